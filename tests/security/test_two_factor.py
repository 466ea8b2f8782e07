"""Two-factor login (TOTP) outside demo mode, lockout after repeated failures."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatpact.accounts.models import ApiToken, Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]


@pytest.fixture
def require_2fa(settings):
    settings.MAATPACT_REQUIRE_2FA = True


def _code(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:06d}"


def _password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "x"})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(
    "role", [Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM, Role.ANALIST, Role.FINANCIER]
)
def test_every_role_is_sent_to_setup_before_any_page(client, role):
    user = factories.user(role, "Tilburg")
    _password_login(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:totp_setup"))


def test_setup_shows_qr_and_secret_then_confirms_with_a_code(client, coordinator):
    _password_login(client, coordinator)
    page = client.get(reverse("security:totp_setup") + "?next=/mijn-huishoudens/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tweestapsverificatie instellen" in html
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret_in_page = page.context["secret"].replace(" ", "")
    import base64

    assert base64.b32decode(secret_in_page + "=" * (-len(secret_in_page) % 8)) == device.bin_key
    qr = client.get(reverse("security:totp_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") or b"<svg" in qr.content[:200]
    # A wrong code is refused with a Dutch message; nothing is confirmed.
    wrong = client.post(reverse("security:totp_setup"), {"token": "000000", "next": "/"})
    if _code(device) != "000000":
        assert "klopt niet" in wrong.content.decode()
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed
        # django-otp throttles after a failure; the user waits a moment.
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
    ok = client.post(
        reverse("security:totp_setup"), {"token": _code(device), "next": "/mijn-huishoudens/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/mijn-huishoudens/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("households:worklist")).status_code == 200


def test_next_login_asks_for_a_code_and_rejects_a_wrong_one(client, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    _password_login(client, coordinator)
    response = client.get(reverse("households:worklist"))
    assert response["Location"].startswith(reverse("security:totp_verify"))
    assert "next=%2Fmijn-huishoudens%2F" in response["Location"]
    bad = client.post(reverse("security:totp_verify"), {"token": "12ab56"})
    assert "zes cijfers" in bad.content.decode()
    assert client.get(reverse("households:worklist")).status_code == 302
    good = client.post(
        reverse("security:totp_verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert good.status_code == 302 and good["Location"] == "/"  # no open redirect
    assert client.get(reverse("households:worklist")).status_code == 200


def test_repeated_wrong_codes_are_throttled(client, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    _password_login(client, coordinator)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(3):
        client.post(reverse("security:totp_verify"), {"token": wrong})
    # Even the right code is refused while throttled.
    response = client.post(reverse("security:totp_verify"), {"token": _code(device)})
    assert "Te veel onjuiste codes" in response.content.decode()
    assert client.get(reverse("households:worklist")).status_code == 302


def test_session_api_calls_need_a_verified_session(client, coordinator):
    _password_login(client, coordinator)
    response = client.get("/api/v1/households/")
    assert response.status_code == 403
    assert "Tweestapsverificatie" in response.json()["detail"]


def test_token_api_is_exempt_for_systems(client, coordinator, household):
    token = factories.api_token(coordinator)
    response = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_logout_and_static_stay_reachable_unverified(client, coordinator):
    _password_login(client, coordinator)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to login now


def test_demo_mode_needs_no_second_factor(client, coordinator, settings):
    settings.MAATPACT_REQUIRE_2FA = False
    _password_login(client, coordinator)
    assert client.get(reverse("households:worklist")).status_code == 200


# --- Lockout (django-axes) ------------------------------------------------------


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_failures_lock_the_username_from_that_address(client, coordinator):
    for _ in range(5):
        response = client.post(
            reverse("login"), {"username": coordinator.username, "password": "wrong"}
        )
    # The right password no longer helps: Dutch lockout page with 429.
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "x"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "tijdelijk geblokkeerd" in html.lower()
    assert "Traceback" not in html
    # Another user from the same address is not locked out (username + IP).
    other = factories.user(Role.REGISSEUR, "Tilburg")
    assert (
        client.post(reverse("login"), {"username": other.username, "password": "x"}).status_code
        == 302
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_same_username_from_another_address_is_not_locked(client, coordinator):
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": coordinator.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )
    response = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": "x"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_fewer_failures_then_success_resets_the_counter(client, coordinator):
    for _ in range(4):
        client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    assert (
        client.post(
            reverse("login"), {"username": coordinator.username, "password": "x"}
        ).status_code
        == 302
    )
    client.post(reverse("logout"))
    for _ in range(4):
        client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    assert (
        client.post(
            reverse("login"), {"username": coordinator.username, "password": "x"}
        ).status_code
        == 302
    )


def test_token_endpoint_cannot_bypass_the_second_factor(client, coordinator):
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=coordinator).exists()
    # After the TOTP check in a session, the user may fetch a token for a script.
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    _password_login(client, coordinator)
    client.post(reverse("security:totp_verify"), {"token": _code(device)})
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200 and response.json()["token"]


def test_token_endpoint_works_without_two_factor_requirement(client, coordinator, settings):
    settings.MAATPACT_REQUIRE_2FA = False
    response = client.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200
