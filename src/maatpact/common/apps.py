from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "maatpact.common"
    verbose_name = "Gemeenschappelijk"
