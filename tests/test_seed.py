import io

from django.core.management import call_command
from django.urls import reverse

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.households.models import CoordinatorAssignment, Household, Member
from maatpact.households.validators import is_valid_bsn


def test_seed_builds_a_consistent_region(db, client):
    call_command("seed", households=40, seed=7, no_progress=True, stdout=io.StringIO())
    assert Household.objects.count() == 40
    assert Household.objects.values("municipality").distinct().count() == 9
    # exactly one active coordinator per household, from the household's municipality
    active = CoordinatorAssignment.objects.filter(ended_at__isnull=True)
    assert active.count() == 40
    assert not active.exclude(
        coordinator__municipality=models_F("household__municipality")
    ).exists()
    assert all(
        is_valid_bsn(b) for b in Member.objects.exclude(bsn="").values_list("bsn", flat=True)
    )
    # the printed coordinator login sees exactly that coordinator's households
    user = User.objects.get(username="regisseur.tilburg.1")
    own = set(active.filter(coordinator=user).values_list("household__number", flat=True))
    assert (
        own and set(policies.full_access_households(user).values_list("number", flat=True)) == own
    )
    client.force_login(user)
    html = client.get(reverse("households:worklist")).content.decode()
    others = Household.objects.exclude(number__in=own).values_list("number", flat=True)
    assert all(n in html for n in own)
    assert not any(f">{n}<" in html for n in others)


def test_seed_is_deterministic(db):
    call_command("seed", households=15, seed=3, no_progress=True, stdout=io.StringIO())
    first = list(Member.objects.order_by("pk").values_list("first_name", "last_name", "bsn"))
    from maatpact.households.models import Cohort

    flush_append_only_tables()
    Household.objects.all().delete()
    Cohort.objects.all().delete()
    User.objects.all().delete()
    call_command("seed", households=15, seed=3, no_progress=True, stdout=io.StringIO())
    assert (
        list(Member.objects.order_by("pk").values_list("first_name", "last_name", "bsn")) == first
    )


def models_F(name):
    from django.db.models import F

    return F(name)


def flush_append_only_tables():
    """The budget ledger refuses DELETE (a trigger on PostgreSQL), so empty its tables the
    way Django's own test flush does: one TRUNCATE (PostgreSQL) or DELETE (SQLite)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    tables = [m._meta.db_table for m in apps.get_app_config("budget").get_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
        for sql in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
