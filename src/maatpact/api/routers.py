"""One router for /api/v1/. Each domain app contributes in its ``api.py``.

An app's ``api.py`` defines ``register(router)``; ``api.urls`` calls it for every
installed Maatpact app, so no app edits another app's URL configuration.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    include_format_suffixes = False


def build_router() -> Router:
    router = Router()
    for config in apps.get_app_configs():
        if not config.name.startswith("maatpact.") or config.name == "maatpact.api":
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        module.register(router)
    return router
