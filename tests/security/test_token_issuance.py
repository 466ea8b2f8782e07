"""Issue 14, defect 3: ``POST /api/v1/token/`` hands a token only to the caller itself.

A session that passed its own second factor must not be able to turn somebody else's
username and password into a token (that token's owner never gave a second factor).
Every attempt, issued or refused, is in the audit trail of the account concerned.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatpact.accounts.models import ApiToken, Role
from maatpact.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.MAATPACT_REQUIRE_2FA = True


def _verified_session(client, user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    assert (
        client.post(reverse("login"), {"username": user.username, "password": "x"}).status_code
        == 302
    )
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    client.post(reverse("security:totp_verify"), {"token": f"{code:06d}"})
    return client


def _token_events(user, action):
    return AuditEvent.objects.filter(
        chain=f"user:{user.pk}", action=action, object_type="accounts.apitoken"
    )


def test_verified_session_cannot_get_a_token_for_another_account(client, coordinator):
    victim = factories.user(Role.TEAMLEIDER, "Tilburg")
    _verified_session(client, coordinator)
    response = client.post("/api/v1/token/", {"username": victim.username, "password": "x"})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=victim).exists()
    assert "token" not in response.json()
    # The refusal is audited in the chain of the account whose token was asked for.
    assert _token_events(victim, AuditEvent.Action.REFUSE).filter(actor=coordinator).exists()


def test_verified_session_gets_its_own_token_and_it_is_audited(client, coordinator):
    _verified_session(client, coordinator)
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200
    assert response.json()["token"] and ApiToken.objects.filter(user=coordinator).count() == 1
    assert _token_events(coordinator, AuditEvent.Action.ISSUE).filter(actor=coordinator).exists()


def test_own_username_with_a_wrong_password_is_refused(client, coordinator):
    _verified_session(client, coordinator)
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "y"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=coordinator).exists()


def test_password_only_attempt_is_refused_and_audited(client, coordinator):
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=coordinator).exists()
    assert _token_events(coordinator, AuditEvent.Action.REFUSE).exists()


def test_without_two_factor_requirement_the_password_is_the_login(client, coordinator, settings):
    settings.MAATPACT_REQUIRE_2FA = False
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200
    assert _token_events(coordinator, AuditEvent.Action.ISSUE).exists()
