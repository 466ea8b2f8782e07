import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from maatpact.audit.models import AuditChain, AuditEvent
from maatpact.audit.selectors import verify_chains
from tests.conftest import login


def test_opening_a_household_writes_a_record(client, coordinator, household):
    before = AuditEvent.objects.filter(household_id=household.pk, action="view").count()
    login(client, coordinator)
    client.get(reverse("households:detail", args=[household.number]))
    events = AuditEvent.objects.filter(household_id=household.pk, action="view")
    assert events.count() == before + 1
    event = events.latest("seq")
    assert event.actor_id == coordinator.pk and event.request_id


def test_record_never_contains_personal_values(client, coordinator, household):
    login(client, coordinator)
    client.get(reverse("households:detail", args=[household.number]))
    member = household.members.first()
    for event in AuditEvent.objects.all():
        blob = " ".join(str(v) for v in event.__dict__.values())
        assert member.last_name not in blob and household.street not in blob


def test_intake_is_audited(household):
    assert AuditEvent.objects.filter(household_id=household.pk, action="create").exists()


def test_verify_passes_on_untouched_trail(client, coordinator, household):
    login(client, coordinator)
    client.get(reverse("households:worklist"))
    client.get(reverse("households:detail", args=[household.number]))
    result = verify_chains()
    assert result.ok, result.problems
    call_command("audit-verify")


def test_tampering_is_detected(client, coordinator, household):
    login(client, coordinator)
    client.get(reverse("households:detail", args=[household.number]))
    event = AuditEvent.objects.filter(household_id=household.pk).order_by("seq").first()
    AuditEvent.objects.filter(pk=event.pk).update(actor_role="beheerder")
    assert not verify_chains().ok
    with pytest.raises(CommandError):
        call_command("audit-verify")


def test_removing_a_record_is_detected(client, coordinator, household):
    login(client, coordinator)
    client.get(reverse("households:detail", args=[household.number]))
    client.get(reverse("households:detail", args=[household.number]))
    first = AuditEvent.objects.filter(household_id=household.pk).order_by("seq").first()
    first.delete()
    assert not verify_chains().ok


def test_removing_the_newest_record_is_detected(client, coordinator, household):
    login(client, coordinator)
    client.get(reverse("households:detail", args=[household.number]))
    AuditEvent.objects.filter(household_id=household.pk).order_by("-seq").first().delete()
    assert not verify_chains().ok
    assert AuditChain.objects.filter(key=f"hh:{household.pk}").exists()
