from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "maatpact.learning"
    verbose_name = "Leren en reflectie"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers panels and nav items)
