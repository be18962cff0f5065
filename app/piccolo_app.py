"""Piccolo's app config: every module in app/tables/, migrations in app/piccolo_migrations/."""

import os
import pkgutil

from piccolo.conf.apps import AppConfig, table_finder

import app.tables

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

# Listing the modules (not the package) because table_finder(exclude_imported=True)
# finds nothing through a package __init__ that only re-exports.
TABLE_MODULES = [f"app.tables.{m.name}" for m in pkgutil.iter_modules(app.tables.__path__)]

APP_CONFIG = AppConfig(
    app_name="app",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
