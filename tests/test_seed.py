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
    from maatpact.learning.models import ApproachChange, Lesson, ReflectionSession
    from maatpact.obstacles.models import Obstacle, StructuralProposal
    from maatpact.programme.models import Phase, Programme

    flush_append_only_tables()
    for model in (StructuralProposal, Obstacle, ApproachChange, Lesson, ReflectionSession):
        model.objects.all().delete()
    Household.objects.all().delete()
    Phase.objects.all().delete()
    Programme.objects.all().delete()
    Cohort.objects.all().delete()
    User.objects.all().delete()
    call_command("seed", households=15, seed=3, no_progress=True, stdout=io.StringIO())
    assert (
        list(Member.objects.order_by("pk").values_list("first_name", "last_name", "bsn")) == first
    )


def models_F(name):
    from django.db.models import F

    return F(name)


def test_seed_fills_assessments_plans_and_provisions(db, client):
    from maatpact.assessments.models import Assessment
    from maatpact.plans.models import Goal, Plan
    from maatpact.provisions.models import Provision

    call_command("seed", households=30, seed=11, no_progress=True, stdout=io.StringIO())
    active = Household.objects.filter(status="actief")
    assert Assessment.objects.filter(household__in=active, member__isnull=True).exists()
    assert Assessment.objects.filter(member__isnull=False).exists()
    # active households improve on average between their first and latest measurement
    from django.db.models import Avg

    firsts, lasts = [], []
    for h in active:
        rows = list(h.assessments.filter(member__isnull=True).order_by("assessed_on"))
        if len(rows) >= 3:
            firsts.append(rows[0].scores.aggregate(a=Avg("score"))["a"])
            lasts.append(rows[-1].scores.aggregate(a=Avg("score"))["a"])
    assert firsts and sum(lasts) / len(lasts) > sum(firsts) / len(firsts)
    for plan in Plan.objects.exclude(household__status="aangemeld"):
        assert 2 <= plan.goals.count() <= 4 and plan.future_in_own_words
        assert plan.changes.count() == 1
    assert Goal.objects.filter(actions__isnull=False).exists()
    counts = [h.provisions.count() for h in Household.objects.all()]
    assert min(counts) >= 3 and max(counts) <= 25
    assert Provision.objects.values("law").distinct().count() >= 5
    assert Provision.objects.values("financier__kind").distinct().count() >= 3
    # the demo coordinator's household page shows the seeded story
    user = User.objects.get(username="regisseur.tilburg.1")
    number = policies.full_access_households(user).exclude(status="aangemeld").first().number
    client.force_login(user)
    html = client.get(reverse("households:detail", args=[number])).content.decode()
    assert "Organisaties rond dit huishouden" in html and "Zelfredzaamheid" in html


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
