from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "maatpact.budget"
    verbose_name = "Doorbraakbudget"

    def ready(self) -> None:
        from maatpact.outcomes import savings

        from . import contributions  # noqa: F401  (registers panel, worklist and nav items)
        from .selectors import spends_for_savings

        # Rule-free spends appear as the financier "Vrij besteedbaar budget" in the
        # savings estimate; registered here so outcomes does not depend on budget.
        savings.register_spend_source(spends_for_savings)
