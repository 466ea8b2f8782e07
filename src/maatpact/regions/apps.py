from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "maatpact.regions"
    verbose_name = "Regio's en gemeenten"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Organisation

        # Organisation names label cached report figures (financiers in the savings
        # estimate); they are edited in the admin, so the signal is the writing path.
        post_save.connect(_organisation_changed, sender=Organisation, dispatch_uid="org_v")
        post_delete.connect(_organisation_changed, sender=Organisation, dispatch_uid="org_v_del")


def _organisation_changed(sender, **kwargs) -> None:
    from maatpact.common.versions import REGIONS, data_changed

    data_changed(REGIONS)
