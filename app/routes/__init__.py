"""Route modules, one per feature. Every Controller defined in a module here is served."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from litestar import Controller


def discover_controllers() -> list[type[Controller]]:
    """Import every module in this package and return the Controllers defined in each."""
    found: list[type[Controller]] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, Controller)
                and obj is not Controller
                and obj.__module__ == module.__name__
            ):
                found.append(obj)
    return found
