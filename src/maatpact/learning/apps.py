from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "maatpact.learning"
    verbose_name = "Leren en reflectie"

    def ready(self) -> None:
        from maatpact.common.versions import LEARNING, changed_on_save

        from . import contributions  # noqa: F401  (registers panels and nav items)
        from .models import Theme

        # Themes have no service (migrations, shell); their names head the lessons table.
        changed_on_save(Theme, LEARNING)
