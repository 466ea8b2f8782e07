from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "maatpact.api"
    verbose_name = "REST API"
