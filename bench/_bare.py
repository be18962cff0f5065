"""The reference for throughput figures: a bare Litestar route, served as Beatbook is."""

from litestar import Litestar, get


@get("/", sync_to_thread=False)
def hello() -> str:
    return "Hello"


app = Litestar([hello], openapi_config=None)
