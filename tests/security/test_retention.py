"""Retention: closed households past the term are anonymised, figures stay."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from maatpact.audit.models import AuditEvent
from maatpact.audit.selectors import verify_chains
from maatpact.households import services
from maatpact.households.models import Household, Member
from maatpact.security.personal import household_links, personal_fields
from maatpact.security.retention import REDACTED, cutoff_date, run_retention
from tests import factories


def _close(household, actor, on):
    services.change_status(actor, household, "afgesloten", reason="Doelen bereikt (fictief)")
    Household.objects.filter(pk=household.pk).update(
        registered_on=on - timedelta(days=400), closed_on=on
    )
    return Household.objects.get(pk=household.pk)


def test_cutoff_is_the_configured_number_of_months_back():
    assert cutoff_date(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert cutoff_date(date(2026, 11, 25), 84) == date(2019, 11, 25)
    assert cutoff_date(date(2026, 1, 15), 13) == date(2024, 12, 15)


@override_settings(MAATPACT={"RETENTION_MONTHS": 84})
def test_retention_anonymises_only_households_past_the_term(household, case_data, coordinator):
    today = timezone.localdate()
    old = _close(household, coordinator, today - timedelta(days=366 * 8))
    recent = _close(factories.household(coordinator), coordinator, today - timedelta(days=30))
    active = factories.household(coordinator)
    before = {
        "score": case_data["score"].score,
        "rating": case_data["assessment"].own_rating,
        "amount": case_data["provision"].amount,
        "delay": case_data["obstacle"].delay_days,
        "registered": old.registered_on,
        "closed": old.closed_on,
        "birth_year": case_data["member"].date_of_birth.year,
    }
    result = run_retention()
    assert result.households == 1

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.street, old.house_number, old.postcode) == ("", "", "")
    assert old.city == old.municipality.name
    assert old.status == "afgesloten" and old.closure_reason == REDACTED
    assert (old.registered_on, old.closed_on) == (before["registered"], before["closed"])
    for member in Member.objects.filter(household=old):
        assert member.bsn == "" and member.last_name == REDACTED
        assert member.first_name.startswith("Gezinslid ")
        assert (member.date_of_birth.month, member.date_of_birth.day) == (7, 1)
    member = Member.objects.get(pk=case_data["member"].pk)
    assert member.date_of_birth.year == before["birth_year"]

    # Free text gone, figures kept.
    for key in ("assessment", "score", "goal", "provision", "obstacle"):
        case_data[key].refresh_from_db()
    assert case_data["assessment"].own_words == ""
    assert case_data["score"].note == ""
    assert case_data["goal"].description == REDACTED
    assert case_data["obstacle"].description == REDACTED
    assert case_data["score"].score == before["score"]
    assert case_data["assessment"].own_rating == before["rating"]
    assert case_data["provision"].amount == before["amount"] == Decimal("450.00")
    assert case_data["obstacle"].delay_days == before["delay"]

    # Untouched: recently closed and active households.
    for other in (recent, active):
        other.refresh_from_db()
        assert other.anonymised_at is None and other.street == "Teststraat"

    # Audited, and the audit chain still verifies.
    assert AuditEvent.objects.filter(
        household_id=old.pk, action=AuditEvent.Action.ANONYMISE
    ).exists()
    assert verify_chains().ok


def test_retention_is_idempotent(household, coordinator):
    _close(household, coordinator, timezone.localdate() - timedelta(days=366 * 8))
    out = StringIO()
    call_command("retention", stdout=out)
    assert "1 huishouden(s) geanonimiseerd" in out.getvalue()
    out = StringIO()
    call_command("retention", stdout=out)
    assert "0 huishouden(s) geanonimiseerd" in out.getvalue()
    assert (
        AuditEvent.objects.filter(
            household_id=household.pk, action=AuditEvent.Action.ANONYMISE
        ).count()
        == 1
    )


def test_retention_term_is_a_setting(household, coordinator):
    _close(household, coordinator, timezone.localdate() - timedelta(days=100))
    with override_settings(MAATPACT={"RETENTION_MONTHS": 84}):
        assert run_retention().households == 0
    with override_settings(MAATPACT={"RETENTION_MONTHS": 3}):
        assert run_retention().households == 1


def test_dry_run_changes_nothing(household, coordinator):
    _close(household, coordinator, timezone.localdate() - timedelta(days=366 * 8))
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "1 huishouden(s)" in out.getvalue()
    household.refresh_from_db()
    assert household.anonymised_at is None


def test_every_household_model_has_a_known_anonymisation_rule():
    """A later app's model is covered: declared fields, registry or all its text fields."""
    from django.db import models

    for link in household_links():
        fields = {f.name: f for f in link.model._meta.concrete_fields}
        for name in personal_fields(link.model):
            assert name in fields, f"{link.label}.{name} bestaat niet"
        declared = getattr(link.model, "PERSONAL_FIELDS", None)
        if declared is None:
            # Undeclared free text is treated as personal by default.
            for f in fields.values():
                if isinstance(f, models.TextField) and link.label not in ("households.household",):
                    assert f.name in personal_fields(link.model), f"{link.label}.{f.name}"
