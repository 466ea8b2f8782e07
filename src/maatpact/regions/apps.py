from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "maatpact.regions"
    verbose_name = "Regio's en gemeenten"
