from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "maatpact.regions"
    verbose_name = "Regio's en gemeenten"

    def ready(self) -> None:
        from maatpact.common.versions import HOUSEHOLDS, REGIONS, changed_on_save

        from .models import Municipality, Organisation, Region

        # Names of organisations and municipalities label cached report figures, and a
        # municipality's region decides which households are in a region's scope. They are
        # edited in the admin, so saving them is the writing path.
        changed_on_save(Organisation, REGIONS)
        changed_on_save(Municipality, REGIONS, HOUSEHOLDS)
        changed_on_save(Region, REGIONS, HOUSEHOLDS)
