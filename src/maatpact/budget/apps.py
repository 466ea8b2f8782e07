from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "maatpact.budget"
    verbose_name = "Doorbraakbudget"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers panel, worklist and nav items)
