from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "maatpact.outcomes"
    verbose_name = "Resultaten en Social Impact Bond"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers panels and nav items)
