"""Contract authoring from the outside (issue 16, section 1): the programme team sets up
and signs (four eyes) a contract through /api/v1/; bad input gets a Dutch message per
field and stores nothing; financiers and investors read only their own."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from maatpact.accounts.models import Role
from maatpact.outcomes import services
from maatpact.outcomes.models import Contract, ContractVersion, OutcomeDefinition, RateCardLine
from tests import factories
from tests.conftest import login

from . import helpers

URL = "/api/v1/sib-contracts/"


@pytest.fixture
def parties(db):
    return {
        "gemeente": helpers.org("Gemeente Test (fictief)", "gemeente"),
        "verzekeraar": helpers.org("Verzekeraar Test (fictief)", "zorgverzekeraar"),
        "fonds_a": helpers.org("Fonds A (fictief)", "investeerder"),
        "fonds_b": helpers.org("Fonds B (fictief)", "investeerder"),
    }


@pytest.fixture
def second_regional(db):
    return factories.user(Role.PROGRAMMATEAM, None)


def payload(parties, **overrides) -> dict:
    """Two payers (60/40), two investors, a shared and an own rate card line."""
    today = timezone.localdate()
    start = today - timedelta(days=400)
    body = {
        "name": "SIB auteurstest",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=3 * 365)).isoformat(),
        "payers": [
            {"organisation": parties["gemeente"].pk, "share_percent": "60.00"},
            {"organisation": parties["verzekeraar"].pk, "share_percent": "40.00"},
        ],
        "rate_card": [
            # shared: € 1,000.01 split 60/40 by largest remainder -> 600.01 + 400.00
            {"definition": "huisuitzetting-voorkomen", "price": "1000.01"},
            {
                "definition": "schuldregeling-gestart",
                "payer": parties["gemeente"].pk,
                "price": "250.00",
            },
        ],
        "investors": [
            {
                "organisation": parties["fonds_a"].pk,
                "committed": "30000.00",
                "drawdowns": [{"drawn_on": start.isoformat(), "amount": "20000.00"}],
            },
            {
                "organisation": parties["fonds_b"].pk,
                "committed": "10000.00",
                "drawdowns": [{"drawn_on": start.isoformat(), "amount": "10000.00"}],
            },
        ],
        "deadweight_paid": 5,
        "deadweight_of": 6,
        "periods": [
            {
                "name": "Jaar 1",
                "starts_on": start.isoformat(),
                "ends_on": (start + timedelta(days=364)).isoformat(),
            }
        ],
    }
    body.update(overrides)
    return body


def test_programme_team_creates_a_draft_and_a_second_person_signs_it(
    client, regional, second_regional, parties
):
    login(client, regional)
    response = client.post(URL, payload(parties), content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "concept" and data["versions"] == []
    prices = {
        (ln["definition"], ln["payer"]): ln["price"]
        for ln in data["rate_card"]
        if ln["definition"] == "huisuitzetting-voorkomen"
    }
    assert prices == {
        ("huisuitzetting-voorkomen", parties["gemeente"].pk): "600.01",
        ("huisuitzetting-voorkomen", parties["verzekeraar"].pk): "400.00",
    }
    assert len(data["investors"]) == 2
    pk = data["id"]
    # The author cannot sign: four eyes.
    refused = client.post(f"{URL}{pk}/sign/")
    assert refused.status_code == 400
    assert "tweede persoon" in refused.json()["non_field_errors"][0]
    assert Contract.objects.get(pk=pk).status == "concept"
    login(client, second_regional)
    signed = client.post(f"{URL}{pk}/sign/")
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "getekend"
    version = ContractVersion.objects.get(contract_id=pk)
    assert version.number == 1 and version.valid_from == Contract.objects.get(pk=pk).starts_on
    assert version.deadweight_paid == 5 and version.deadweight_of == 6
    assert client.post(f"{URL}{pk}/sign/").status_code == 400  # signed once


def test_a_draft_is_replaced_as_a_whole_and_a_change_by_someone_else_allows_the_author_to_sign(
    client, regional, second_regional, parties
):
    login(client, regional)
    pk = client.post(URL, payload(parties), content_type="application/json").json()["id"]
    login(client, second_regional)
    response = client.patch(
        f"{URL}{pk}/",
        {"rate_card": [{"definition": "huisuitzetting-voorkomen", "price": "500.00"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert sorted(ln["price"] for ln in response.json()["rate_card"]) == ["200.00", "300.00"]
    assert RateCardLine.objects.filter(contract_id=pk).count() == 2
    # second_regional changed it last, so now the original author is the second person
    assert client.post(f"{URL}{pk}/sign/").status_code == 400
    login(client, regional)
    assert client.post(f"{URL}{pk}/sign/").status_code == 200


def _bad(client, regional, body) -> dict:
    login(client, regional)
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.json()
    assert not Contract.objects.exists()  # nothing stored
    return response.json()


def test_shares_that_do_not_add_up_to_100(client, regional, parties):
    body = payload(parties)
    body["payers"][1]["share_percent"] = "30.00"
    errors = _bad(client, regional, body)
    assert errors["payers"] == ["De aandelen van de betalers tellen op tot 90 %, niet tot 100 %."]


def test_negative_price(client, regional, parties):
    body = payload(parties)
    body["rate_card"][1]["price"] = "-1.00"
    errors = _bad(client, regional, body)
    assert any("een prijs kan niet negatief zijn" in m for m in errors["rate_card"])


def test_dates_outside_the_contract(client, regional, parties):
    body = payload(parties)
    start = date.fromisoformat(body["starts_on"])
    body["investors"][0]["drawdowns"][0]["drawn_on"] = (start - timedelta(days=1)).isoformat()
    body["periods"][0]["ends_on"] = (date.fromisoformat(body["ends_on"]) + timedelta(1)).isoformat()
    body["rate_card"][1]["attachment_year"] = 5
    body["fee_shares"] = [{"contract_year": 4, "share_percent": "50.00"}]
    errors = _bad(client, regional, body)
    assert "ligt buiten de contractperiode" in errors["investors"][0]
    assert errors["periods"] == ["'Jaar 1' ligt (deels) buiten de contractperiode."]
    assert "instroomjaar 5 valt buiten het contract (jaar 1 t/m 3)" in errors["rate_card"][0]
    assert errors["fee_shares"] == ["Contractjaar 4 valt buiten het contract (jaar 1 t/m 3)."]


def test_a_trigger_on_an_outcome_the_contract_does_not_measure(client, regional, parties):
    body = payload(
        parties,
        trigger_percent="10.00",
        triggers=[{"definition": "uitstroom-bijstand", "comparison_rate": "0.2000"}],
    )
    errors = _bad(client, regional, body)
    assert errors["triggers"] == [
        "Een drempel op 'uitstroom-bijstand' kan niet: dit contract meet dat resultaat niet."
    ]


def test_unknown_definition_and_missing_fields_are_field_errors(client, regional, parties):
    body = payload(parties)
    body["rate_card"][0]["definition"] = "bestaat-niet"
    del body["name"]
    errors = _bad(client, regional, body)
    assert "name" in errors and "rate_card" in errors


def test_a_cap_below_an_amount_already_paid(client, regional, financier, household):
    """A signed contract with a paid period: a cap under what was paid is refused."""
    helpers.start(household, days_ago=400)
    c = helpers.contract(payer_orgs=[financier.organisation])
    period = c.periods.get()
    period.ends_on = timezone.localdate() - timedelta(days=1)
    period.save()
    helpers.verified(household, regional).__class__.objects.update(
        verified_at=timezone.now() - timedelta(days=2)
    )
    services.pay_period(regional, period)
    login(client, regional)
    response = client.patch(
        f"{URL}{c.pk}/", {"cap_total": "999.99"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["cap_total"] == [
        "Het contractplafond ligt onder wat al is betaald (€ 1.000,00)."
    ]
    c.refresh_from_db()
    assert c.cap_total is None
    payer = financier.organisation
    low = client.patch(
        f"{URL}{c.pk}/",
        {"cap_per_household": "500.00", "payers": [{"organisation": payer.pk, "cap": "999.99"}]},
        content_type="application/json",
    )
    assert low.status_code == 400
    assert low.json()["cap_per_household"] == [
        "Het plafond per huishouden ligt onder wat al voor één huishouden is betaald (€ 1.000,00)."
    ]
    assert low.json()["payers"] == [
        f"Het plafond van {payer} ligt onder wat die al betaalde (€ 1.000,00)."
    ]
    assert c.payers.get().cap is None
    ok = client.patch(f"{URL}{c.pk}/", {"cap_total": "1000.00"}, content_type="application/json")
    assert ok.status_code == 200, ok.json()


def test_a_signed_contract_changes_only_in_its_terms_as_a_new_dated_version(
    client, regional, second_regional, parties
):
    login(client, regional)
    pk = client.post(URL, payload(parties), content_type="application/json").json()["id"]
    login(client, second_regional)
    client.post(f"{URL}{pk}/sign/")
    renamed = client.patch(f"{URL}{pk}/", {"name": "Anders"}, content_type="application/json")
    assert renamed.status_code == 400 and "getekend" in renamed.json()["name"][0]
    changed = client.patch(
        f"{URL}{pk}/", {"deadweight_paid": 4, "deadweight_of": 5}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.json()
    versions = list(ContractVersion.objects.filter(contract_id=pk).order_by("number"))
    assert [(v.number, v.deadweight_paid) for v in versions] == [(1, 5), (2, 4)]
    assert versions[1].valid_from == timezone.localdate()
    assert [v["number"] for v in changed.json()["versions"]] == [1, 2]


def test_a_draft_is_not_paid(regional, financier, household):
    helpers.start(household, days_ago=400)
    c = helpers.contract(payer_orgs=[financier.organisation], status="concept", signed_at=None)
    period = c.periods.get()
    period.ends_on = timezone.localdate() - timedelta(days=1)
    period.save()
    with pytest.raises(Exception, match="nog een concept"):
        services.pay_period(regional, period)


# --- who sees what -----------------------------------------------------------------


def _signed(client, regional, second_regional, parties) -> int:
    login(client, regional)
    pk = client.post(URL, payload(parties), content_type="application/json").json()["id"]
    login(client, second_regional)
    assert client.post(f"{URL}{pk}/sign/").status_code == 200
    return pk


def test_financier_reads_its_own_contract_but_cannot_author(
    client, regional, second_regional, parties
):
    pk = _signed(client, regional, second_regional, parties)
    payer = factories.user(Role.FINANCIER, None, organisation=parties["verzekeraar"])
    login(client, payer)
    assert (
        client.post(URL, payload(parties, name="X"), content_type="application/json").status_code
        == 403
    )
    data = client.get(f"{URL}{pk}/").json()
    assert data["investors"] == []  # a payer sees no investor's capital
    assert len(data["payers"]) == 2
    assert (
        client.patch(f"{URL}{pk}/", {"cap_total": "1"}, content_type="application/json").status_code
        == 403  # it sees the contract, but may not change it (common.refusals)
    )
    assert client.post(f"{URL}{pk}/sign/").status_code == 403
    statement = client.get(f"{URL}{pk}/statement/").json()
    assert [p["organisation"] for p in statement["payers"]] == [str(parties["verzekeraar"])]


def test_investor_sees_only_its_own_receipts(client, regional, second_regional, parties):
    pk = _signed(client, regional, second_regional, parties)
    investor = factories.user(Role.FINANCIER, None, organisation=parties["fonds_b"])
    login(client, investor)
    data = client.get(f"{URL}{pk}/").json()
    assert [i["organisation"] for i in data["investors"]] == [parties["fonds_b"].pk]
    statement = client.get(f"{URL}{pk}/statement/").json()
    assert statement["payers"] == []
    assert [i["organisation"] for i in statement["investors"]] == [str(parties["fonds_b"])]


def test_outsiders_get_404(client, regional, second_regional, parties, coordinator, analyst):
    pk = _signed(client, regional, second_regional, parties)
    stranger = factories.user(
        Role.FINANCIER, None, organisation=helpers.org("Ander Fonds (fictief)", "investeerder")
    )
    for user in (stranger, coordinator, analyst):
        login(client, user)
        assert client.get(f"{URL}{pk}/").status_code == 404
        assert client.get(f"{URL}{pk}/statement/").status_code == 404
        assert client.patch(f"{URL}{pk}/", {}, content_type="application/json").status_code == 404
    assert reverse("outcomes:contract", args=[pk])


# --- the pages ---------------------------------------------------------------------


def _page_post(parties, **head) -> dict:
    start = timezone.localdate() - timedelta(days=400)
    end = start + timedelta(days=3 * 365)
    data = {
        "name": "SIB via de pagina",
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "follow_up_months": "0",
        "deadweight_paid": "1",
        "deadweight_of": "1",
        **head,
    }
    rows = {
        "payers": [
            {
                "organisation": parties["gemeente"].pk,
                "share_percent": "50",
                "attachment_fee": "100,00",
            },
            {"organisation": parties["verzekeraar"].pk, "share_percent": "50"},
        ],
        "fee_shares": [],
        "rate_card": [
            {
                "definition": OutcomeDefinition.objects.get(code="huisuitzetting-voorkomen").pk,
                "method": "vast",
                "price": "1.000,00",
            },
        ],
        "triggers": [],
        "investors": [
            {"organisation": parties["fonds_a"].pk, "committed": "5.000,00"},
            {"organisation": parties["fonds_b"].pk, "committed": "5.000,00"},
        ],
        "drawdowns": [
            {
                "organisation": parties["fonds_a"].pk,
                "drawn_on": start.isoformat(),
                "amount": "1.000,00",
            },
            {
                "organisation": parties["fonds_a"].pk,
                "drawn_on": start.isoformat(),
                "amount": "1.000,00",
            },
            {
                "organisation": parties["fonds_a"].pk,
                "drawn_on": start.isoformat(),
                "amount": "500,00",
            },
            {
                "organisation": parties["fonds_b"].pk,
                "drawn_on": start.isoformat(),
                "amount": "3.000,00",
            },
        ],
        "periods": [
            {
                "name": "Jaar 1",
                "starts_on": start.isoformat(),
                "ends_on": (start + timedelta(days=364)).isoformat(),
            }
        ],
    }
    for key, items in rows.items():
        data[f"{key}-TOTAL_FORMS"] = str(len(items) + 1)  # one spare, empty row
        data[f"{key}-INITIAL_FORMS"] = "0"
        for n, item in enumerate(items):
            for field, value in item.items():
                data[f"{key}-{n}-{field}"] = value
        data[f"{key}-{len(items)}-method"] = "vast"
    return data


def test_the_pages_create_sign_and_show_a_contract_with_two_payers_and_two_investors(
    client, regional, second_regional, parties
):
    login(client, regional)
    assert client.get(reverse("outcomes:contract_new")).status_code == 200
    response = client.post(reverse("outcomes:contract_new"), _page_post(parties))
    contract = Contract.objects.get(name="SIB via de pagina")
    assert response.status_code == 302
    assert contract.status == "concept" and contract.investments.count() == 2
    drawn = contract.investments.get(investor=parties["fonds_a"]).drawdowns
    assert sorted(drawn.values_list("amount", flat=True)) == [
        Decimal("500.00"),
        Decimal("1000.00"),
        Decimal("1000.00"),
    ]
    assert sorted(contract.rate_card.values_list("price", flat=True)) == [
        Decimal("500.00"),
        Decimal("500.00"),
    ]
    edit = client.get(reverse("outcomes:contract_edit", args=[contract.pk]))
    assert edit.status_code == 200 and "SIB via de pagina" in edit.content.decode()
    client.post(reverse("outcomes:contract_sign", args=[contract.pk]))
    contract.refresh_from_db()
    assert contract.status == "concept"  # the author cannot sign
    login(client, second_regional)
    client.post(reverse("outcomes:contract_sign", args=[contract.pk]))
    contract.refresh_from_db()
    assert contract.status == "getekend" and contract.signed_by == second_regional
    investor = factories.user(Role.FINANCIER, None, organisation=parties["fonds_a"])
    login(client, investor)
    html = client.get(reverse("outcomes:contract", args=[contract.pk])).content.decode()
    assert str(parties["fonds_a"]) in html and str(parties["fonds_b"]) not in html
    assert client.get(reverse("outcomes:contract_new")).status_code == 404
    assert client.get(reverse("outcomes:contract_edit", args=[contract.pk])).status_code == 403


def test_the_page_keeps_the_input_and_names_the_error(client, regional, parties):
    login(client, regional)
    data = _page_post(parties)
    data["payers-1-share_percent"] = "40"
    response = client.post(reverse("outcomes:contract_new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "tellen op tot 90 %, niet tot 100 %" in html
    assert 'value="SIB via de pagina"' in html
    assert not Contract.objects.exists()


# --- export --------------------------------------------------------------------------


def _sheet(content: bytes, title: str) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(content), read_only=True)[title].values)


def test_export_holds_only_what_the_reader_may_see(
    client, regional, second_regional, parties, household
):
    pk = _signed(client, regional, second_regional, parties)
    helpers.start(household, days_ago=300)
    outcome = helpers.verified(household, regional)
    outcome.verified_at -= timedelta(days=50)  # inside the contract's one period
    outcome.save()
    url = reverse("outcomes:contract_xlsx", args=[pk])
    payer = factories.user(Role.FINANCIER, None, organisation=parties["verzekeraar"])
    login(client, payer)
    response = client.get(url)
    assert response.status_code == 200
    lines = _sheet(response.content, "Afrekening")
    assert lines[0][0] == "Organisatie"
    assert {row[0] for row in lines[1:]} == {str(parties["verzekeraar"])}
    # its share of the shared line: € 400.00 of € 1,000.01, deadweight 5 of 6 -> 333.33
    assert [(row[4], row[8]) for row in lines[1:]] == [("huisuitzetting-voorkomen", 333.33)]
    assert _sheet(response.content, "Investeerders") == [
        ("Investeerder", "Datum", "Soort", "Bedrag")
    ]
    investor = factories.user(Role.FINANCIER, None, organisation=parties["fonds_b"])
    login(client, investor)
    flows = _sheet(client.get(url).content, "Investeerders")
    assert {row[0] for row in flows[1:]} == {str(parties["fonds_b"])}
    assert len(_sheet(client.get(url).content, "Afrekening")) == 1  # header only
    pdf = client.get(reverse("outcomes:contract_pdf", args=[pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    stranger = factories.user(
        Role.FINANCIER, None, organisation=helpers.org("Ander Fonds (fictief)", "investeerder")
    )
    login(client, stranger)
    assert client.get(url).status_code == 404


def test_drawdowns_are_added_to_a_signed_contract_within_term_commitment_and_paid_periods(
    client, regional, second_regional, parties
):
    pk = _signed(client, regional, second_regional, parties)
    contract = Contract.objects.get(pk=pk)
    url = f"{URL}{pk}/drawdowns/"
    fund_a = parties["fonds_a"].pk  # committed 30,000, drawn 20,000
    ok = client.post(
        url,
        {"investor": fund_a, "drawn_on": timezone.localdate().isoformat(), "amount": "10000.00"},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.json()
    drawn = [
        d["amount"]
        for i in ok.json()["investors"]
        if i["organisation"] == fund_a
        for d in i["drawdowns"]
    ]
    assert sorted(drawn) == ["10000.00", "20000.00"]
    too_much = client.post(
        url,
        {"investor": fund_a, "drawn_on": timezone.localdate().isoformat(), "amount": "0.01"},
        content_type="application/json",
    )
    assert too_much.status_code == 400
    assert "meer dan het toegezegde kapitaal (€ 30.000,00)" in too_much.json()["amount"][0]
    outside = client.post(
        url,
        {
            "investor": parties["fonds_b"].pk,
            "drawn_on": (contract.ends_on + timedelta(days=1)).isoformat(),
            "amount": "1.00",
        },
        content_type="application/json",
    )
    assert outside.json()["drawn_on"] == ["De stortingsdatum ligt buiten de contractperiode."]
    # a paid period: no drawdown on or before its last day
    period = contract.periods.get()
    period.ends_on = timezone.localdate() - timedelta(days=1)
    period.save()
    services.pay_period(second_regional, period)
    before = client.post(
        url,
        {
            "investor": parties["fonds_b"].pk,
            "drawn_on": period.ends_on.isoformat(),
            "amount": "1.00",
        },
        content_type="application/json",
    )
    assert "is al betaald" in before.json()["drawn_on"][0]
    assert contract.investments.get(investor=parties["fonds_b"]).drawdowns.count() == 1
