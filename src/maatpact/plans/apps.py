from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "maatpact.plans"
    verbose_name = "Perspectiefplannen"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers panel and worklist source)
