"""Structural proposals: evidence derived from the cases, status transitions, the export."""

import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maatpact.obstacles import services
from maatpact.obstacles.models import StructuralProposal
from tests import factories
from tests.conftest import login
from tests.html_forms import page_forms
from tests.obstacles.helpers import at, raise_obstacle

TITLE = "Maatwerkartikel in de Verordening Jeugdhulp Tilburg"


@pytest.fixture
def obstacles(coordinator, household):
    second = factories.household(coordinator)
    a = raise_obstacle(coordinator, household, delay_days=12, harm_euros=Decimal("100.00"))
    b = raise_obstacle(coordinator, household, delay_days=3, harm_euros=Decimal("50.50"))
    c = raise_obstacle(coordinator, second, delay_days=30, harm_euros=Decimal("0.00"))
    services.record_breakthrough(
        coordinator,
        c,
        what="x",
        broken_by="y",
        on=date(2026, 11, 3),
        cost=Decimal("900.00"),
        now=at(2026, 11, 4),
    )
    return [a, b, c]


def _create(user, ids):
    return services.create_proposal(
        user,
        title=TITLE,
        kind="maatwerkartikel",
        proposal="Artikel 8a: het college kan afwijken wanneer ...",
        rationale="Drie casussen liepen vast op dezelfde regel.",
        obstacle_ids=ids,
    )


def test_proposal_without_obstacles_is_refused(client, regional):
    with pytest.raises(ValidationError) as exc:
        _create(regional, [])
    assert "ten minste één knelpunt" in str(exc.value)
    login(client, regional)
    response = client.post(
        reverse("obstacles:proposal_new"),
        {"title": TITLE, "kind": "maatwerkartikel", "proposal": "x", "rationale": "y"},
    )
    assert response.status_code == 200 and "ten minste één knelpunt" in response.content.decode()
    response = client.post(
        "/api/v1/proposals/",
        {"title": TITLE, "kind": "beleid", "proposal": "x", "rationale": "y", "obstacles": []},
        content_type="application/json",
    )
    assert response.status_code == 400 and "obstacles" in response.json()
    assert not StructuralProposal.objects.exists()


def test_evidence_is_derived(regional, obstacles):
    proposal = _create(regional, [o.pk for o in obstacles])
    from maatpact.obstacles.selectors import proposal_evidence

    evidence = proposal_evidence(proposal)
    assert (evidence.obstacles, evidence.households, evidence.delay_days) == (3, 2, 45)
    assert evidence.harm == Decimal("150.50") and evidence.breakthrough_cost == Decimal("900.00")
    assert evidence.municipalities == ["Tilburg"]


def test_status_transitions(regional, obstacles):
    proposal = _create(regional, [obstacles[0].pk])
    with pytest.raises(ValidationError) as exc:
        services.change_proposal_status(regional, proposal, "aangenomen")
    assert "geen toegestane stap" in str(exc.value)
    proposal = services.change_proposal_status(
        regional, proposal, "ingediend", on=date(2026, 11, 5)
    )
    assert proposal.submitted_on == date(2026, 11, 5)
    proposal = services.change_proposal_status(
        regional, proposal, "aangenomen", note="Raad stemt in", on=date(2026, 12, 1)
    )
    assert proposal.status == "aangenomen" and proposal.decided_on == date(2026, 12, 1)
    with pytest.raises(ValidationError):
        services.change_proposal_status(regional, proposal, "concept")


def test_only_regional_team_bundles(client, coordinator, team_lead, obstacles):
    with pytest.raises(ValidationError):
        _create(coordinator, [obstacles[0].pk])
    login(client, team_lead)
    assert client.get(reverse("obstacles:proposal_new")).status_code == 404
    assert client.get(reverse("obstacles:proposals")).status_code == 200
    login(client, coordinator)
    assert client.get(reverse("obstacles:proposals")).status_code == 404


def test_bundle_through_the_page_and_export_pdf(client, regional, obstacles):
    login(client, regional)
    page = client.get(reverse("obstacles:proposal_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("obstacles:proposal_new"),
        {
            "title": TITLE,
            "kind": "maatwerkartikel",
            "proposal": "Artikel 8a",
            "rationale": "Terugkerend knelpunt",
            "obstacles": [o.pk for o in obstacles],
        },
    )
    assert response.status_code == 302
    proposal = StructuralProposal.objects.get()
    assert proposal.obstacles.count() == 3
    detail = client.get(reverse("obstacles:proposal", args=[proposal.pk])).content.decode()
    assert "45 dagen" in detail
    response = client.get(reverse("obstacles:proposal_pdf", args=[proposal.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert TITLE.encode() in _pdf_text(pdf)
    # The council document is pseudonymised: numbers, no names.
    member = obstacles[0].household.members.first()
    assert member.last_name.encode() not in _pdf_text(pdf)


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's streams decompressed: enough to find the title (outline and metadata)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1).rstrip(b"\r\n")))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_searching_for_obstacles_keeps_what_was_typed(client, regional, coordinator, household):
    """Issue 15: on "Nieuw voorstel" the obstacle search wiped the title and text already
    typed. The search is a button of the proposal form: it re-renders the form with every
    typed value and ticked obstacle, saves nothing, and shows no error yet."""
    jeugd = raise_obstacle(coordinator, household, rule="Jeugdwet art. 2.3")
    raise_obstacle(coordinator, household, rule="Participatiewet art. 18")
    login(client, regional)
    url = reverse("obstacles:proposal_new")
    (form,) = [f for f in page_forms(client.get(url).content.decode()) if "title" in f.types]
    assert form.button("Zoeken"), "the search belongs to the form that holds the typed text"
    typed = {"title": TITLE, "proposal": "Artikel 8a: afwijken mag", "q": "Jeugdwet"}
    data = form.data(press="Zoeken", **typed)
    data["obstacles"] = [str(jeugd.pk)]
    if form.method == "post":
        page = client.post(form.action or url, data)
    else:  # a GET search form sends only its own fields
        page = client.get(form.action or url, data)
    assert page.status_code == 200
    assert not StructuralProposal.objects.exists()
    html = page.content.decode()
    (again,) = [f for f in page_forms(html) if "title" in f.types]
    values = again.data()
    assert values["title"] == [TITLE]
    assert values["proposal"] == ["Artikel 8a: afwijken mag"]
    assert values.get("obstacles") == [str(jeugd.pk)]  # the ticked obstacle stays ticked
    assert "Participatiewet art. 18" not in html  # the search did filter
    assert "field-error" not in html  # nothing was validated yet
    saved = client.post(form.action or url, again.data(press="opslaan", rationale="Vaak"))
    assert saved.status_code == 302
    assert StructuralProposal.objects.get().title == TITLE
