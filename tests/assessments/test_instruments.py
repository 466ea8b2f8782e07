"""Instruments are versioned data: loaded by migration or command, never corrupting old scores."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from maatpact.assessments import selectors, services
from maatpact.assessments.loader import DATA_DIR
from maatpact.assessments.models import Assessment, Domain, Instrument, LevelDescription

INDIVIDUAL = [
    "financien",
    "werk_opleiding",
    "tijdsbesteding",
    "huisvesting",
    "huiselijke_relaties",
    "geestelijke_gezondheid",
    "lichamelijke_gezondheid",
    "middelengebruik",
    "adl_basis",
    "adl_instrumenteel",
    "sociaal_netwerk",
    "maatschappelijke_participatie",
    "justitie",
]


def test_migration_loads_both_instruments(db):
    zrm = Instrument.objects.get(code="zrm", version="1")
    assert list(zrm.domains.values_list("code", flat=True)) == INDIVIDUAL
    hh = Instrument.objects.get(code="zrm-huishoudens")
    codes = list(hh.domains.values_list("code", flat=True))
    assert codes[:5] == [
        "hh_financien",
        "hh_huisvesting",
        "hh_organisatie",
        "hh_relaties",
        "hh_sociale_omgeving",
    ]
    kids = hh.domains.filter(children_supplement=True).values_list("code", flat=True)
    assert set(kids) == {"kind_ontwikkeling", "kind_veiligheid", "kind_school", "kind_gezondheid"}
    # five levels per domain
    assert LevelDescription.objects.filter(domain__instrument__in=[zrm, hh]).count() == 5 * (
        13 + len(codes)
    )


def _write(tmp_path, data, name="zrm-v2.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_new_version_keeps_old_measurements_intact(tmp_path, household, coordinator):
    old = services.record_assessment(
        coordinator,
        household,
        assessed_on=date(2025, 1, 10),
        scores={"hh_financien": (2, "schulden"), "hh_huisvesting": 3},
    )
    old_domain_ids = set(old.scores.values_list("domain_id", flat=True))
    data = json.loads((DATA_DIR / "zrm-huishoudens.json").read_text(encoding="utf-8"))
    data["version"] = "2"
    data["domains"][0]["name"] = "Geld in huis"
    data["domains"][0]["levels"][0] = "Nieuwe omschrijving van niveau 1."
    call_command("load-instrument", _write(tmp_path, data))

    v1 = Instrument.objects.get(code="zrm-huishoudens", version="1")
    v2 = Instrument.objects.get(code="zrm-huishoudens", version="2")
    assert not v1.active and v2.active
    old.refresh_from_db()
    assert old.instrument == v1
    assert set(old.scores.values_list("domain_id", flat=True)) == old_domain_ids
    assert (
        Domain.objects.get(instrument=v1, code="hh_financien").name
        == "Financiën van het huishouden"
    )
    assert LevelDescription.objects.get(
        domain__instrument=v1, domain__code="hh_financien", level=1
    ).description.startswith("Het huishouden heeft geen geld")

    new = services.record_assessment(
        coordinator, household, assessed_on=date(2025, 4, 10), scores={"hh_financien": 4}
    )
    assert new.instrument == v2
    # the trajectory continues by domain code across versions, named by the newest
    trajectory = selectors.trajectory_for(household, "huishouden", full=True)
    line = next(x for x in trajectory.lines if x.code == "hh_financien")
    assert line.scores == [2, 4] and line.name == "Geld in huis"


def test_changing_a_measured_version_is_refused(tmp_path, household, coordinator):
    services.record_assessment(
        coordinator, household, assessed_on=date(2025, 1, 10), scores={"hh_financien": 2}
    )
    data = json.loads((DATA_DIR / "zrm-huishoudens.json").read_text(encoding="utf-8"))
    data["domains"][0]["levels"][0] = "Anders."
    with pytest.raises(CommandError, match="nieuwe versie"):
        call_command("load-instrument", _write(tmp_path, data))
    # loading the unchanged file again is a no-op
    call_command("load-instrument", str(DATA_DIR / "zrm-huishoudens.json"))
    assert Instrument.objects.filter(code="zrm-huishoudens").count() == 1


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["domains"][0]["levels"].pop(), "precies vijf"),
        (lambda d: d.update(kind="team"), "Soort"),
        (lambda d: d["domains"].append(dict(d["domains"][0])), "twee keer"),
        (lambda d: d.pop("version"), "version"),
    ],
)
def test_incomplete_instrument_is_refused(tmp_path, db, mutate, message):
    data = json.loads((DATA_DIR / "zrm.json").read_text(encoding="utf-8"))
    data["code"] = "zrm-test"
    mutate(data)
    with pytest.raises(CommandError, match=message):
        call_command("load-instrument", _write(tmp_path, data))
    assert not Instrument.objects.filter(code="zrm-test").exists()


def test_admin_registers_instruments(client, admin_user):
    client.force_login(admin_user)
    zrm = Instrument.objects.get(code="zrm")
    assert client.get(f"/beheer/assessments/instrument/{zrm.pk}/change/").status_code == 200
    assert client.get("/beheer/assessments/leveldescription/").status_code == 200
    assert Assessment.objects.count() == 0
