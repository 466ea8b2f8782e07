from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maatpact.accounts"
    verbose_name = "Gebruikers en rollen"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares the rules about its own objects in its access.py.
        autodiscover_modules("access")
