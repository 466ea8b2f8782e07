from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "maatpact.obstacles"
    verbose_name = "Knelpunten en doorbraken"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers panels, worklist and nav items)
