from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "maatpact.obstacles"
    verbose_name = "Knelpunten en doorbraken"
