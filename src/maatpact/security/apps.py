from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "maatpact.security"
    verbose_name = "Beveiliging en AVG"
