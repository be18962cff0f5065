"""Demo: three problems written for the demo in the home team (repeat shoplifting at a parade,
anti-social behaviour at a recreation ground, a vulnerable repeat caller worked with partners),
made through the same use cases as the web: actions that became taskings and a patrol plan
point, links to the demo's patrol point and tasking, a power used, a person reference."""

from __future__ import annotations

from datetime import date, timedelta

from geopy.distance import geodesic

from app.actor import actor_for
from app.problems import powers, service
from app.problems.forms import MethodForm
from app.tables.agencies import PartnerAgency
from app.tables.patrol import PatrolPlan, PatrolPoint, PlanState

ORDER = 80  # after the patrol plans (70), the taskings (30) and the agencies


def _place(centre: tuple[float, float], metres: float, bearing: float) -> tuple[float, float]:
    where = geodesic(meters=metres).destination(centre, bearing)
    return where.latitude, where.longitude


async def _open(actor, team_id: int, title: str, summary: str, method: dict) -> int:
    problem_id, errors = await service.create(
        actor, {"title": title, "team": team_id, "summary": summary}
    )
    if errors:
        raise RuntimeError(f"The demo problem was refused: {dict(errors)}")
    values, errors = MethodForm.parse(
        {
            "title": title,
            "summary": summary,
            "radius_m": "150",
            "owner": str(actor.id),
            "next_review": (date.today() + timedelta(days=service.REVIEW_DAYS)).isoformat(),
            **method,
        }
    )
    errors = errors or await service.save_method(actor, problem_id, values)
    if errors:
        raise RuntimeError(f"The demo problem's plan was refused: {dict(errors)}")
    return problem_id


async def _action(actor, problem_id: int, **values) -> int:
    form = {
        "title": values["title"],
        "owner_kind": values["owner_kind"],
        "owner_person": values.get("owner_person"),
        "owner_agency": values.get("owner_agency"),
        "due_on": values["due_on"],
        "make": values.get("make", ""),
        "plan": values.get("plan"),
    }
    action_id, errors = await service.add_action(actor, problem_id, form)
    if errors:
        raise RuntimeError(f"The demo action was refused: {dict(errors)}")
    return action_id


async def load(ctx) -> None:
    people = ctx.made["people"]
    home = ctx.made["home_team"]
    pcso, volunteer = people["pcso"], people["volunteer"]
    pcso_actor = actor_for(pcso)
    supervisor = actor_for(people["supervisor"])
    centre = (home.centre_lat, home.centre_lng)
    today = date.today()
    agencies = await PartnerAgency.select(PartnerAgency.id, PartnerAgency.name).order_by(
        PartnerAgency.id
    )
    agency = agencies[0]["id"] if agencies else None

    # 1. Repeat shoplifting at one parade: linked to the demo plan's "Parade of shops" point.
    parade = _place(centre, 400, 110)  # where the demo patrol plan's parade point is
    shoplifting = await _open(
        pcso_actor,
        home.id,
        "Repeat shoplifting at the Abbey parade (demo)",
        "Shops on the parade report thefts most weekdays after school, often the same goods.",
        {
            "kind": "place",
            "incident_kinds": "Shoplifting\nAnti-social behaviour",
            "crime_types": "Shoplifting",
            "objective": "Fewer thefts from the parade's shops over the next three months.",
            "place": "Four shops with the tills at the back and no CCTV covering the door.",
            "manager": "The shop owners; the landlord of the parade.",
            "response_started_on": (today - timedelta(days=30)).isoformat(),
        },
    )
    await service.add_place(
        pcso_actor,
        shoplifting,
        {"label": "Abbey parade of shops", "lat": parade[0], "lng": parade[1]},
    )
    plan = ctx.made.get("patrol_plan")
    if plan is not None:
        point = (
            await PatrolPoint.select(PatrolPoint.id)
            .where((PatrolPoint.plan == plan.id) & (PatrolPoint.label == "Parade of shops"))
            .first()
        )
        if point:
            await service.add_link(
                supervisor,
                shoplifting,
                {"kind": "patrol_point", "record_id": point["id"], "note": "Today's patrol"},
            )
    await _action(
        supervisor,
        shoplifting,
        title="Visit each shop with crime prevention advice",
        owner_kind="staff",
        owner_person=pcso.id,
        due_on=today + timedelta(days=7),
        make="tasking",
    )
    if agency:
        await _action(
            pcso_actor,
            shoplifting,
            title="Ask the council about CCTV on the parade",
            owner_kind="agency",
            owner_agency=agency,
            due_on=today + timedelta(days=21),
        )

    # 2. ASB at a recreation ground: a volunteer's action, a patrol point, a dispersal direction.
    ground = _place(centre, 600, 200)  # the demo patrol plan's recreation ground
    asb = await _open(
        pcso_actor,
        home.id,
        "Anti-social behaviour at the recreation ground (demo)",
        "Groups gather by the play area in the evenings: noise, litter and damage to the shelter.",
        {
            "kind": "place",
            "incident_kinds": "Anti-social behaviour\nCriminal damage and arson",
            "objective": "Families use the play area again in the evenings.",
            "offender": "Groups of teenagers from across the area, mostly at weekends.",
            "guardian": "Residents overlooking the ground; the park warden in the day.",
            "manager": "The council's parks team.",
            "response_started_on": (today - timedelta(days=45)).isoformat(),
            "assessment": "Early days: fewer calls since the patrols began; watch the ring "
            "around the ground for displacement.",
        },
    )
    await service.add_place(
        pcso_actor,
        asb,
        {"label": "Recreation ground play area", "lat": ground[0], "lng": ground[1]},
    )
    await _action(
        pcso_actor,
        asb,
        title="Litter pick and a talk with residents at the ground",
        owner_kind="volunteer",
        owner_person=volunteer.id,
        due_on=today + timedelta(days=10),
    )
    draft = (
        await PatrolPlan.select(PatrolPlan.id)
        .where((PatrolPlan.team == home.id) & (PatrolPlan.status == PlanState.DRAFT))
        .order_by(PatrolPlan.day)
        .first()
    )
    if draft:
        await _action(
            supervisor,
            asb,
            title="Be seen at the play area as the evening starts",
            owner_kind="staff",
            owner_person=pcso.id,
            due_on=today + timedelta(days=1),
            make="patrol_point",
            plan=draft["id"],
        )
    await powers.record_power(
        pcso_actor,
        {
            "kind": "dispersal",
            "used_on": today - timedelta(days=10),
            "team": home.id,
            "place": "Recreation ground",
            "lat": ground[0],
            "lng": ground[1],
            "problem": asb,
            "note": "Group of eight dispersed for 48 hours (demo)",
        },
    )

    # 3. A vulnerable repeat caller, worked with partners: police only.
    caller = await _open(
        pcso_actor,
        home.id,
        "Vulnerable repeat caller worked with partners (demo)",
        "An older resident calls most days about neighbours; the calls hide loneliness and "
        "a risk of being exploited.",
        {
            "kind": "victim",
            "objective": "The resident gets support from the right agencies and calls us less.",
            "victim": "Lives alone; recently bereaved; calls at night.",
            "guardian": "A niece who visits weekly.",
        },
    )
    await service.add_person(
        pcso_actor,
        caller,
        {"role": "victim", "reference": "DEMO-VICTIM-0041", "note": "The caller (demo)"},
    )
    await _action(
        supervisor,
        caller,
        title="Healthy, Safe, Secure home visit with the fire service",
        owner_kind="staff",
        owner_person=pcso.id,
        due_on=today + timedelta(days=5),
        make="home_visit",
    )
    if agency:
        await _action(
            pcso_actor,
            caller,
            title="Referral to the partner agency for befriending",
            owner_kind="agency",
            owner_agency=agency,
            due_on=today + timedelta(days=14),
        )
    ctx.made["problems"] = [shoplifting, asb, caller]
