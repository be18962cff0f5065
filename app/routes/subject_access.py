"""Subject access requests (admins only): find a data subject, then disclose what is held as a
printable page or a JSON download. Each export is audited as a disclosure."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Response, Template

from app import navigation
from app.access import allow
from app.roles import Role
from app.subject_access import service
from app.web import Acting, page

NAV = navigation.register("Subject access", "subject_access:search", "people", 92, primary=False)
NO_STORE = {"Cache-Control": "no-store"}


class SubjectAccessController(Controller):
    path = "/subject-access"

    @get("/", opt=allow(Role.ADMIN), name="subject_access:search")
    async def search(self, request: Request, actor: Acting) -> Template:
        shown = await service.search(actor, request.query_params)
        return page("subject_access/search.html", headers=NO_STORE, **shown)

    @get("/export", opt=allow(Role.ADMIN), name="subject_access:export")
    async def export(
        self, actor: Acting, kind: FromQuery[str] = "", ref: FromQuery[str] = ""
    ) -> Template:
        """The printable document (audited as a disclosure)."""
        doc = await service.export(actor, kind, ref, "html")
        return page(
            "subject_access/export.html",
            headers=NO_STORE,
            doc=doc,
            json_url=f"/subject-access/export.json?kind={quote(kind)}&ref={quote(ref)}",
        )

    @get("/export.json", opt=allow(Role.ADMIN), name="subject_access:export_json")
    async def export_json(
        self, actor: Acting, kind: FromQuery[str] = "", ref: FromQuery[str] = ""
    ) -> Response:
        """The same document as a JSON download (audited as a disclosure)."""
        doc = await service.export(actor, kind, ref, "json")
        stamp = doc.made_at.strftime("%Y%m%d-%H%M%S")
        return Response(
            content=service.as_json(doc),
            media_type="application/json",
            headers={
                **NO_STORE,
                "Content-Disposition": f'attachment; filename="subject-access-{kind}-{stamp}.json"',
            },
        )
