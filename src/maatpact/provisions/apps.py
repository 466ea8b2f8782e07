from django.apps import AppConfig


class ProvisionsConfig(AppConfig):
    name = "maatpact.provisions"
    verbose_name = "Voorzieningen"
