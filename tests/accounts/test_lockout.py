"""Issue 20 item 5: lockout behind a proxy, by username and address and by username.

A client that reaches the application directly picks its own X-Forwarded-For; only our
proxies' entries may count. Each case is a login sequence with a known answer.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from maatpact.accounts.lockout import client_ip
from maatpact.accounts.models import Role
from tests import factories

PROXY = "10.0.0.1"
LOCKOUT = dict(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, MAATPACT_USERNAME_FAILURE_LIMIT=20)


def _attempt(client, user, password="wrong", **meta):
    return client.post(reverse("login"), {"username": user.username, "password": password}, **meta)


# --- The client address ---------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], PROXY, "6.6.6.6, 203.0.113.7", PROXY),  # no proxies: the socket
        ([PROXY], "198.51.100.9", "203.0.113.7", "198.51.100.9"),  # direct: header ignored
        ([PROXY], PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # forged first entry ignored
        ([PROXY], PROXY, "", PROXY),  # proxy sent no header: the proxy itself
        (["10.0.0.0/24"], PROXY, "203.0.113.7, 10.0.0.2", "203.0.113.7"),  # two of our proxies
        (["10.0.0.0/24"], PROXY, "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # only proxies: leftmost
        ([PROXY], PROXY, "6.6.6.6, not-an-address", PROXY),  # malformed: count under proxy
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_ip_believes_only_our_own_proxies(
    rf, settings, proxies, remote, forwarded, expected
):
    settings.MAATPACT_TRUSTED_PROXIES = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_a_proxy_count_is_refused_at_start(monkeypatch):
    from maatpact.settings import trusted_proxies_from_env

    monkeypatch.setenv("MAATPACT_TRUSTED_PROXIES", "1")
    with pytest.raises(ImproperlyConfigured):
        trusted_proxies_from_env()
    monkeypatch.setenv("MAATPACT_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16")
    assert trusted_proxies_from_env() == ["10.0.0.5", "10.1.0.0/16"]


# --- Lockout with a spoofed forwarded address ------------------------------------


@pytest.mark.django_db
@override_settings(**LOCKOUT, MAATPACT_TRUSTED_PROXIES=[PROXY])
def test_direct_client_rotating_forwarded_address_is_locked_after_five(client, coordinator):
    for n in range(5):
        _attempt(client, coordinator, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}")
    response = _attempt(
        client, coordinator, "x", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.99"
    )
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(**LOCKOUT, MAATPACT_TRUSTED_PROXIES=[PROXY])
def test_forged_entries_before_our_proxys_do_not_help(client, coordinator):
    for n in range(5):
        _attempt(
            client, coordinator, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7"
        )
    locked = _attempt(
        client, coordinator, "x", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.99, 203.0.113.7"
    )
    assert locked.status_code == 429
    # Another real client behind the same proxy is not locked for this username.
    other = _attempt(
        client, coordinator, "x", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert other.status_code == 302


# --- The username lock ------------------------------------------------------------


@pytest.mark.django_db
@override_settings(**LOCKOUT)
def test_twenty_failures_from_many_addresses_lock_the_username(client, coordinator):
    for n in range(20):  # 4 each from 5 addresses: no pair reaches 5
        _attempt(client, coordinator, REMOTE_ADDR=f"203.0.113.{n // 4}")
    response = _attempt(client, coordinator, "x", REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 429
    # Another username is not affected.
    colleague = factories.user(Role.REGISSEUR, "Tilburg")
    assert _attempt(client, colleague, "x", REMOTE_ADDR="192.0.2.50").status_code == 302


@pytest.mark.django_db
@override_settings(**LOCKOUT)
def test_nineteen_failures_from_many_addresses_leave_the_username_open(client, coordinator):
    for n in range(19):
        _attempt(client, coordinator, REMOTE_ADDR=f"203.0.113.{n // 4}")
    assert _attempt(client, coordinator, "x", REMOTE_ADDR="192.0.2.50").status_code == 302


@pytest.mark.django_db
@override_settings(**LOCKOUT)
def test_the_pair_lock_still_comes_first(client, coordinator):
    for _ in range(5):
        _attempt(client, coordinator, REMOTE_ADDR="203.0.113.1")
    assert _attempt(client, coordinator, "x", REMOTE_ADDR="203.0.113.1").status_code == 429
    assert _attempt(client, coordinator, "x", REMOTE_ADDR="203.0.113.2").status_code == 302


@pytest.mark.django_db
@override_settings(**LOCKOUT)
def test_the_token_endpoint_counts_towards_the_same_lock(coordinator):
    """Passwords can be guessed through /api/v1/token/ as well: the same lock holds."""
    from rest_framework.test import APIClient

    api = APIClient()
    for _ in range(4):
        wrong = api.post("/api/v1/token/", {"username": coordinator.username, "password": "nee"})
        assert wrong.status_code == 400
    api.post("/api/v1/token/", {"username": coordinator.username, "password": "nee"})
    right = api.post("/api/v1/token/", {"username": coordinator.username, "password": "x"})
    assert right.status_code == 429 and "geblokkeerd" in right.json()["detail"]
    assert "token" not in right.json()


def test_a_lockout_configuration_without_the_username_lock_is_an_error(settings):
    from maatpact.accounts.checks import lockout_parameters

    assert lockout_parameters(None) == []
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    assert [e.id for e in lockout_parameters(None)] == ["maatpact.accounts.E001"]
