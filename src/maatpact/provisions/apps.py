from django.apps import AppConfig


class ProvisionsConfig(AppConfig):
    name = "maatpact.provisions"
    verbose_name = "Voorzieningen"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers the household-page overview)
