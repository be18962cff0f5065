"""Piccolo's configuration: the engine comes from Beatbook's settings (BEATBOOK_DATABASE_URL)."""

from piccolo.conf.apps import AppRegistry

from app.database import make_engine
from app.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["app.piccolo_app"])
