from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maatpact.accounts"
    verbose_name = "Gebruikers en rollen"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_save
        from django.utils.module_loading import autodiscover_modules
        from knox.signals import token_expired

        from . import checks, tokens  # noqa: F401 (checks register themselves)
        from .models import User

        post_save.connect(tokens.revoke_on_user_change, sender=User, dispatch_uid="token-revoke")
        user_logged_out.connect(tokens.revoke_on_logout, dispatch_uid="token-logout")
        token_expired.connect(tokens.record_expired, dispatch_uid="token-expired")
        # Each app declares the rules about its own objects in its access.py.
        autodiscover_modules("access")
