from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "maatpact.households"
    verbose_name = "Huishoudens"

    def ready(self) -> None:
        from maatpact.common.versions import HOUSEHOLDS, changed_on_save

        from . import contributions  # noqa: F401  (registers panels and nav items)
        from .models import Cohort

        # Cohorts (their phase groups the households section) are edited in the admin.
        changed_on_save(Cohort, HOUSEHOLDS)
