from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "maatpact.households"
    verbose_name = "Huishoudens"

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers panels and nav items)
