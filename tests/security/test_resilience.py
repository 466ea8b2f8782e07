"""Database outages give a Dutch 503 page and heal by themselves; backup round trip."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from maatpact.audit.models import AuditEvent
from maatpact.audit.selectors import verify_chains
from maatpact.households.models import Household, Member
from tests import factories


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_error_in_a_page_gives_a_dutch_503(coordinator, error):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    with mock.patch(
        "maatpact.households.selectors.my_households", side_effect=error("server closed")
    ):
        response = client.get(reverse("households:worklist"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "even niet bereikbaar" in html
    assert "Traceback" not in html and "server closed" not in html
    # Recovery without restart: the next request works.
    assert client.get(reverse("households:worklist")).status_code == 200


def test_database_error_in_the_api_gives_a_json_503(coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    with mock.patch(
        "maatpact.accounts.policies.visible_households", side_effect=OperationalError("down")
    ):
        response = client.get("/api/v1/households/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "niet bereikbaar" in response.json()["detail"]


def test_database_error_outside_a_view_is_handled_by_handler500(coordinator):
    """The session load happens in middleware, before any view."""
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("down"),
    ):
        response = client.get(reverse("households:worklist"))
    assert response.status_code == 503
    assert "even niet bereikbaar" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killed_postgres_connection_recovers_without_restart(django_db_blocker):
    """The server ends our connection; one request may fail cleanly, then it heals."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import psycopg

    from maatpact.accounts.models import Role

    user = factories.user(Role.REGISSEUR, "Tilburg")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("households:worklist")
    assert client.get(url).status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    first = client.get(url)
    assert first.status_code in (200, 503)
    assert "Traceback" not in first.content.decode()
    assert client.get(url).status_code == 200


def test_backup_and_restore_round_trip_keeps_the_audit_chain(tmp_path, household, coordinator):
    factories.household(coordinator)
    counts = (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    numbers = sorted(Household.objects.values_list("number", flat=True))
    target = tmp_path / "backup.json.gz"
    call_command("backup", str(target))
    assert target.stat().st_size > 0

    # Damage: a household disappears and a new one appears.
    Household.objects.filter(pk=household.pk).delete()
    factories.household(coordinator)

    call_command("restore", str(target), "--ja")
    assert (
        Household.objects.count(),
        Member.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert sorted(Household.objects.values_list("number", flat=True)) == numbers
    assert verify_chains().ok
    # The restored data is usable: the coordinator still has their household.
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("households:detail", args=[household.number]))
    assert page.status_code == 200


def test_restore_needs_confirmation_and_an_existing_file(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--ja"):
        call_command("restore", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="niet gevonden"):
        call_command("restore", str(tmp_path / "x.json"), "--ja")
    with pytest.raises(CommandError, match=".json"):
        call_command("backup", str(tmp_path / "x.txt"))


def test_restore_moves_every_data_version_past_what_cached_figures_were_keyed_on(
    tmp_path, household, coordinator
):
    """The backup brings older versions; writes after a restore must never reach a version
    that already keys a cached figure of other data."""
    from maatpact.common import versions

    target = tmp_path / "backup.json.gz"
    call_command("backup", str(target))
    factories.household(coordinator)  # data (and versions) the backup does not have
    before = versions.data_versions(versions.ALL_SOURCES)
    call_command("restore", str(target), "--ja")
    after = versions.data_versions(versions.ALL_SOURCES)
    assert all(a > b for a, b in zip(after, before, strict=True))
