"""Demo data: each module here has ORDER and `async def load(ctx)`; all are run in order."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    """What the demo loaders share: the demo password and what earlier loaders made."""

    password: str
    made: dict[str, object] = field(default_factory=dict)


async def load_all(password: str) -> DemoContext:
    ctx = DemoContext(password=password)
    modules = [
        importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
    ]
    for module in sorted(modules, key=lambda m: m.ORDER):
        await module.load(ctx)
    return ctx
