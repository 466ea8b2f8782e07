from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "maatpact.security"
    verbose_name = "Beveiliging en AVG"

    def ready(self) -> None:
        from django.core import serializers

        # Backups keep timestamps to the microsecond (see serializers_json).
        serializers.register_serializer("maatpact-json", "maatpact.security.serializers_json")
