from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "maatpact.security"
    verbose_name = "Beveiliging en AVG"

    def ready(self) -> None:
        from django.core import serializers

        from . import contributions  # noqa: F401  (registers the privacy panel)

        # Backups keep timestamps to the microsecond (see serializers_json).
        serializers.register_serializer("maatpact-json", "maatpact.security.serializers_json")
