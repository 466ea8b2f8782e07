from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "maatpact.obstacles"
    verbose_name = "Knelpunten en doorbraken"

    def ready(self) -> None:
        from maatpact.common.versions import OBSTACLES, changed_on_save
        from maatpact.provisions.models import Law

        from . import contributions  # noqa: F401  (registers panels, worklist and nav items)
        from .models import EscalationLevel

        # Admin-edited reference data the cached report sections read (ladder, law names).
        changed_on_save(EscalationLevel, OBSTACLES)
        changed_on_save(Law, OBSTACLES)
