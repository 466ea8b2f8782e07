"""Issue 20 item 4: API tokens stored as a digest only, expiring, revoked, audited.

The digest is checked against hashlib directly (not through knox), lifetimes against
the clock, revocation by presenting the token again.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from maatpact.accounts import tokens
from maatpact.accounts.models import ApiToken
from maatpact.audit.models import AuditEvent
from maatpact.audit.selectors import verify_chains
from maatpact.audit.services import user_chain_key
from tests import factories

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"
# Not authenticated: DRF answers 403 (session authentication comes first, and it sends
# no WWW-Authenticate challenge) or 401.
REFUSED = (401, 403)


def _get(text: str, path: str = ME):
    return APIClient().get(path, HTTP_AUTHORIZATION=f"Token {text}")


def _fetch(user, **extra) -> dict:
    response = APIClient().post(
        "/api/v1/token/", {"username": user.username, "password": "x", **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _events(user, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=user_chain_key(user.pk), action=action))


# --- Storage ----------------------------------------------------------------------


def test_only_a_digest_is_stored(coordinator):
    body = _fetch(coordinator, name="rapportagescript")
    text = body["token"]
    assert len(text) == 64
    (row,) = ApiToken.objects.filter(user=coordinator)
    assert row.digest == hashlib.sha512(text.encode()).hexdigest()
    values = [str(v) for v in row.__dict__.values()]
    assert text not in values and not any(text in v for v in values)
    assert row.name == "rapportagescript"
    assert _get(text).status_code == 200


def test_the_token_text_is_in_no_table(coordinator):
    text = _fetch(coordinator)["token"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (test, table names)
            for row in cursor.fetchall():
                assert not any(text in str(v) for v in row), (table, columns)


def test_a_wrong_or_malformed_token_is_refused_not_an_error(coordinator):
    text = _fetch(coordinator)["token"]
    assert _get(text[:-1] + ("0" if text[-1] != "0" else "1")).status_code in REFUSED
    assert _get("not-a-token").status_code in REFUSED
    response = APIClient().get(ME, HTTP_AUTHORIZATION="Token ä€".encode().decode("latin-1"))
    assert response.status_code in REFUSED


# --- Lifetimes --------------------------------------------------------------------


def test_self_service_token_expires_after_the_configured_hours(coordinator, settings):
    settings.MAATPACT_API_TOKEN_HOURS = 10
    with time_machine.travel(timezone.now(), tick=False) as clock:
        body = _fetch(coordinator)
        (row,) = ApiToken.objects.filter(user=coordinator)
        assert row.expiry - row.created == timedelta(hours=10)
        assert body["expiry"]
        clock.shift(timedelta(hours=9, minutes=59))
        assert _get(body["token"]).status_code == 200
        clock.shift(timedelta(minutes=2))
        assert _get(body["token"]).status_code in REFUSED
    assert not ApiToken.objects.filter(user=coordinator).exists()  # knox removed it
    assert [e.detail for e in _events(coordinator, "revoke")] == ["verlopen"]


def test_an_administrator_cannot_issue_a_token_for_longer_than_the_maximum(coordinator, settings):
    settings.MAATPACT_API_TOKEN_MAX_DAYS = 365
    with pytest.raises(ValidationError):
        tokens.issue_token(coordinator, name="koppeling", lifetime=timedelta(days=366), actor=None)
    with pytest.raises(ValidationError):
        tokens.issue_token(coordinator, name=" ", lifetime=timedelta(days=1), actor=None)
    assert not ApiToken.objects.exists()


# --- Revocation -------------------------------------------------------------------


def test_a_password_change_revokes_every_token(coordinator):
    self_fetched = _fetch(coordinator)["token"]
    issued = factories.api_token(coordinator, name="koppeling")
    coordinator.set_password("een heel nieuw wachtwoord")
    coordinator.save()
    assert _get(self_fetched).status_code in REFUSED
    assert _get(issued).status_code in REFUSED
    assert [e.detail for e in _events(coordinator, "revoke")] == [
        "wachtwoord gewijzigd: 2 token(s)"
    ]


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
)
def test_a_hash_upgrade_at_login_is_not_a_password_change(coordinator):
    text = factories.api_token(coordinator)
    coordinator.password = make_password("x", hasher="pbkdf2_sha1")
    coordinator.save(update_fields=["password"])
    coordinator.refresh_from_db()
    assert coordinator.check_password("x")  # upgrades the hash to the first hasher
    coordinator.refresh_from_db()
    assert coordinator.password.startswith("md5$")
    assert _get(text).status_code == 200


def test_deactivation_revokes_every_token_for_good(coordinator):
    text = factories.api_token(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert not ApiToken.objects.filter(user=coordinator).exists()
    coordinator.is_active = True
    coordinator.save()
    assert _get(text).status_code in REFUSED


def test_logout_revokes_the_tokens_the_user_fetched_for_itself(client, coordinator):
    self_fetched = _fetch(coordinator)["token"]
    issued = factories.api_token(coordinator, name="koppeling")
    client.force_login(coordinator)
    client.post(reverse("logout"))
    assert _get(self_fetched).status_code in REFUSED
    assert _get(issued).status_code == 200  # a system's token is not tied to a session


def test_delete_revokes_the_presented_token(coordinator):
    text = _fetch(coordinator)["token"]
    other = _fetch(coordinator)["token"]
    response = APIClient().delete("/api/v1/token/", HTTP_AUTHORIZATION=f"Token {text}")
    assert response.status_code == 204
    assert _get(text).status_code in REFUSED
    assert _get(other).status_code == 200


# --- Audit --------------------------------------------------------------------------


def test_issue_use_and_revoke_are_audited_on_the_users_chain(coordinator, household):
    text = _fetch(coordinator)["token"]
    (issued,) = _events(coordinator, "issue")
    token = ApiToken.objects.get(user=coordinator)
    assert issued.object_type == "accounts.apitoken" and issued.object_id == str(token.pk)
    response = _get(text, f"/api/v1/households/{household.number}/")
    assert response.status_code == 200
    (use,) = _events(coordinator, "use")
    assert use.object_id == str(token.pk) and use.actor_id == coordinator.pk
    view = AuditEvent.objects.filter(household_id=household.pk, action="view").latest("pk")
    assert view.request_id == use.request_id  # the read is tied to the token
    APIClient().delete("/api/v1/token/", HTTP_AUTHORIZATION=f"Token {text}")
    assert [e.detail for e in _events(coordinator, "revoke")] == ["ingetrokken door houder"]
    for event in AuditEvent.objects.filter(chain=user_chain_key(coordinator.pk)):
        blob = " ".join(str(v) for v in event.__dict__.values())
        assert text not in blob and token.digest not in blob and token.token_key not in blob
    assert verify_chains().ok


# --- Admin ----------------------------------------------------------------------------


def test_admin_shows_the_token_once_and_never_its_key(client, admin_user, coordinator):
    client.force_login(admin_user)
    add = reverse("admin:accounts_apitoken_add")
    response = client.post(add, {"user": coordinator.pk, "name": "koppeling GGD", "days": 90})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (token,) = ApiToken.objects.filter(user=coordinator)
    page = response.content.decode()
    text = page.split('<code id="token">')[1].split("</code>")[0]
    assert hashlib.sha512(text.encode()).hexdigest() == token.digest
    assert token.issued_by == admin_user
    assert (token.expiry - token.created).days == 90
    for url in (
        reverse("admin:accounts_apitoken_changelist"),
        reverse("admin:accounts_apitoken_change", args=[token.pk]),
    ):
        html = client.get(url).content.decode()
        assert token.name in html
        assert text not in html and token.digest not in html and token.token_key not in html
    assert _get(text).status_code == 200
    assert _events(coordinator, "issue")[0].actor_id == admin_user.pk


def test_admin_refuses_a_lifetime_beyond_the_maximum(client, admin_user, coordinator, settings):
    settings.MAATPACT_API_TOKEN_MAX_DAYS = 365
    client.force_login(admin_user)
    add = reverse("admin:accounts_apitoken_add")
    response = client.post(add, {"user": coordinator.pk, "name": "koppeling", "days": 400})
    assert response.status_code == 200 and "Ten hoogste 365 dagen" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_admin_delete_revokes_and_audits(client, admin_user, coordinator):
    text = factories.api_token(coordinator)
    token = ApiToken.objects.get(user=coordinator)
    client.force_login(admin_user)
    url = reverse("admin:accounts_apitoken_delete", args=[token.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert _get(text).status_code in REFUSED
    (revoked,) = _events(coordinator, "revoke")
    assert revoked.actor_id == admin_user.pk


# --- Migration ----------------------------------------------------------------------


def test_the_migration_revokes_drf_clear_text_tokens(coordinator):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("maatpact.accounts.migrations.0002_api_tokens_hashed")

    class Editor:  # SQLite's schema editor cannot open inside the test's transaction
        def __init__(self, cursor):
            self.connection, self.cursor = connection, cursor

        def execute(self, sql):
            self.cursor.execute(sql)

        def quote_name(self, name):
            return connection.ops.quote_name(name)

    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY)')
        cursor.execute("INSERT INTO authtoken_token (\"key\") VALUES ('0123456789abcdef')")
        migration.revoke_clear_text_tokens(apps, Editor(cursor))
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_command_issues_once_lists_without_the_key_and_revokes(coordinator, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command(
        "api-token", "uitgeven", coordinator.username, "--naam", "koppeling", "--dagen", "30"
    )
    text = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=coordinator)
    assert hashlib.sha512(text.encode()).hexdigest() == token.digest
    assert (token.expiry - token.created) == timedelta(days=30)
    call_command("api-token", "lijst")
    listing = capsys.readouterr().out
    assert "koppeling" in listing and text not in listing and token.token_key not in listing
    with pytest.raises(CommandError):
        call_command("api-token", "uitgeven", coordinator.username, "--naam", "x", "--dagen", "999")
    call_command("api-token", "intrekken", str(token.pk))
    assert _get(text).status_code in REFUSED
    assert [e.detail for e in _events(coordinator, "revoke")] == [
        "ingetrokken via de opdrachtregel"
    ]
