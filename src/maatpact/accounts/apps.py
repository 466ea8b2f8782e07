from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maatpact.accounts"
    verbose_name = "Gebruikers en rollen"
