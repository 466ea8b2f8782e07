from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "maatpact.plans"
    verbose_name = "Perspectiefplannen"
