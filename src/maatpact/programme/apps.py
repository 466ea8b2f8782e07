from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "maatpact.programme"
    verbose_name = "Programma"

    def ready(self) -> None:
        from maatpact.common.versions import HOUSEHOLDS, changed_on_save

        from . import contributions  # noqa: F401  (selection guard, panel, nav)
        from .models import Phase, Programme, Screening

        # Reach against plan is part of the households section of the report.
        for model in (Programme, Phase, Screening):
            changed_on_save(model, HOUSEHOLDS)
