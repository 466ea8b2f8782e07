from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "maatpact.security"
    verbose_name = "Beveiliging en AVG"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import serializers

        from . import contributions  # noqa: F401  (registers the privacy panel)
        from .middleware import session_refreshed_at_login

        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="maatpact-session-login")

        # Backups keep timestamps to the microsecond (see serializers_json).
        serializers.register_serializer("maatpact-json", "maatpact.security.serializers_json")
