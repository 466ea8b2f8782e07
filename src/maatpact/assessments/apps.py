from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "maatpact.assessments"
    verbose_name = "Zelfredzaamheid (ZRM)"

    def ready(self) -> None:
        from . import (
            contributions,  # noqa: F401  (registers panel and worklist source)
            signals,  # noqa: F401  (keeps SubjectProgress up to date)
        )
