from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "maatpact.common"
    verbose_name = "Gemeenschappelijk"

    def ready(self):
        from maatpact.common import checks  # noqa: F401  (registers the system checks)
