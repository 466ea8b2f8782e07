"""Subject access (inzage): everything about a household, generic over all models."""

import json

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from maatpact.audit.models import AuditEvent
from maatpact.security.inzage import build_report
from maatpact.security.personal import household_links
from tests.conftest import login


def test_every_model_that_references_a_household_is_discovered():
    """Closure: any model with a FK to a discovered model is itself discovered."""
    linked = {link.model for link in household_links()}
    household_model = apps.get_model("households", "Household")
    assert household_model in linked
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and field.remote_field.model in linked:
                # Users are referenced by households (coordinator), never the reverse.
                assert model in linked, f"{model._meta.label} mist in de inzage"
    labels = {link.label for link in household_links()}
    for expected in (
        "households.member",
        "households.processingbasis",
        "households.coordinatorassignment",
        "households.statuschange",
        "assessments.assessment",
        "assessments.score",
        "plans.plan",
        "plans.goal",
        "provisions.provision",
        "obstacles.obstacle",
    ):
        assert expected in labels
    assert "accounts.user" not in labels and "regions.municipality" not in labels


def test_report_contains_every_row_and_the_audit_trail(household, case_data, coordinator):
    report = build_report(household, actor=coordinator, channel="test").as_dict()
    data = report["gegevens"]
    for label, obj in [
        ("households.household", household),
        ("households.member", case_data["member"]),
        ("assessments.assessment", case_data["assessment"]),
        ("assessments.score", case_data["score"]),
        ("plans.goal", case_data["goal"]),
        ("provisions.provision", case_data["provision"]),
        ("obstacles.obstacle", case_data["obstacle"]),
    ]:
        assert obj.pk in [row["id"] for row in data[label]["rijen"]], label
    text = json.dumps(report, ensure_ascii=False)
    assert case_data["member"].last_name in text
    assert "de deurwaarder belt" in text and "Schulden bij drie partijen" in text
    # The audit trail shows the intake by the coordinator.
    actions = [row["handeling"] for row in report["audittrail"]["rijen"]]
    assert "Aangemaakt" in actions
    # Other households' rows never leak in.
    assert all(
        row.get("household") in (None, household.pk)
        for rows in data.values()
        for row in rows["rijen"]
    )


def test_inzage_command_json_and_html(household, case_data, tmp_path):
    out = tmp_path / "inzage.json"
    call_command("inzage", household.number, "--format", "json", "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["huishouden"] == household.number
    assert data["gegevens"]["households.member"]["rijen"]
    html_out = tmp_path / "inzage.html"
    call_command("inzage", household.number, "--format", "html", "-o", str(html_out))
    html = html_out.read_text(encoding="utf-8")
    assert "<h1>Inzage — " in html and case_data["member"].first_name in html
    # Producing an inzage is itself audited.
    assert (
        AuditEvent.objects.filter(
            household_id=household.pk, action=AuditEvent.Action.EXPORT
        ).count()
        == 2
    )


def test_inzage_page_for_coordinator_and_team_lead(
    client, household, case_data, coordinator, team_lead
):
    for user in (coordinator, team_lead):
        login(client, user)
        page = client.get(reverse("security:inzage", args=[household.number]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Wie heeft deze gegevens ingezien of gewijzigd" in html
        assert case_data["member"].last_name in html
    download = client.get(reverse("security:inzage", args=[household.number]) + "?format=json")
    assert download["Content-Type"].startswith("application/json")
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["huishouden"] == household.number


def test_inzage_page_is_404_for_everyone_else(
    client, household, other_coordinator, goirle_team_lead, regional, analyst, financier, admin_user
):
    for user in (other_coordinator, goirle_team_lead, regional, analyst, financier, admin_user):
        login(client, user)
        response = client.get(reverse("security:inzage", args=[household.number]))
        assert response.status_code == 404, user.role


def test_household_page_links_to_inzage_for_those_allowed(
    client, household, coordinator, team_lead, financier
):
    url = reverse("households:detail", args=[household.number])
    inzage = reverse("security:inzage", args=[household.number])
    for user in (coordinator, team_lead):
        login(client, user)
        assert inzage in client.get(url).content.decode()
