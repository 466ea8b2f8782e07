from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "maatpact.common"
    verbose_name = "Gemeenschappelijk"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from maatpact.common import checks  # noqa: F401  (registers the system checks)

        # Each app classifies the fields of its models in its classification.py.
        autodiscover_modules("classification")
