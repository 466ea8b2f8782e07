from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "maatpact.reports"
    verbose_name = "Rapportage, dashboards en exports"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (nav items)
        from .registry import autodiscover

        autodiscover()
