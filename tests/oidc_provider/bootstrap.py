"""Migrate the provider's database and register Maatpact as a confidential client."""

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    client_id, client_secret, redirect_uri, *users = sys.argv[1:]
    Application.objects.create(
        name="Maatpact",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for username in users:
        User.objects.create_user(username=username, password="wachtwoord-idp")


if __name__ == "__main__":
    main()
