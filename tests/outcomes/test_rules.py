"""Outcome rules: validation messages and evaluation on plain facts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from maatpact.outcomes import rules
from maatpact.outcomes.rules import EventFact, HouseholdFacts, ProvisionFact, ScoreFact

KNOWN = dict(
    domain_codes={"financien"},
    event_codes={"huisuitzetting", "schuldregeling"},
    law_codes={"jeugdwet"},
)
START = date(2025, 1, 15)


@pytest.mark.parametrize(
    "rule, message",
    [
        (
            {"kind": "zrm_rise", "domain": "geluk", "from_max": 2, "to_min": 3, "hold_months": 6},
            "Onbekend leefgebied 'geluk'.",
        ),
        ({"kind": "no_event", "event": "brand", "months": 12}, "Onbekende gebeurtenis 'brand'."),
        ({"kind": "provision_ends", "law": "wet-x"}, "Onbekende wet 'wet-x'."),
        ({"kind": "toverij"}, "Onbekende soort regel"),
        ({"kind": "no_event", "event": "huisuitzetting"}, "Deze regel mist: months."),
        (
            {
                "kind": "zrm_rise",
                "domain": "financien",
                "from_max": 3,
                "to_min": 3,
                "hold_months": 6,
            },
            "moet hoger zijn",
        ),
        ([1, 2], "JSON-object"),
    ],
)
def test_invalid_rules_get_a_dutch_message(rule, message):
    with pytest.raises(ValidationError) as exc:
        rules.validate_rule(rule, **KNOWN)
    assert any(message in m for m in exc.value.message_dict["rule"])


def test_valid_rule_returns_holding_period():
    rule = {"kind": "zrm_rise", "domain": "financien", "from_max": 2, "to_min": 3, "hold_months": 6}
    assert rules.validate_rule(rule, **KNOWN) == 6


def test_no_event_needs_the_whole_window_without_the_event():
    rule = {"kind": "no_event", "event": "huisuitzetting", "months": 12}
    facts = HouseholdFacts(1, START)
    assert rules.evaluate(rule, facts, date(2025, 12, 1)) is None  # window still open
    got = rules.evaluate(rule, facts, date(2026, 2, 1))
    assert got.achieved_on == date(2026, 1, 15)
    placement = {"kind": "no_event", "event": "huisuitzetting", "months": 12, "with_children": True}
    assert rules.evaluate(placement, facts, date(2026, 2, 1)) is None  # no children
    facts.children = 2
    assert rules.evaluate(placement, facts, date(2026, 2, 1)) is not None
    facts.events.append(EventFact("huisuitzetting", date(2025, 9, 1), 7))
    assert rules.evaluate(rule, facts, date(2026, 2, 1)) is None


def test_zrm_rise_held_for_six_months_with_lowest_member_score():
    rule = {"kind": "zrm_rise", "domain": "financien", "from_max": 2, "to_min": 3, "hold_months": 6}
    facts = HouseholdFacts(
        1,
        START,
        scores=[
            ScoreFact("financien", date(2025, 1, 10), 2, 11),
            ScoreFact("financien", date(2025, 4, 1), 3, 11),
            ScoreFact("financien", date(2025, 7, 1), 3, 12),
            ScoreFact("financien", date(2025, 7, 1), 2, 12),  # partner still at 2 that day
            ScoreFact("financien", date(2025, 8, 1), 4, 12),
            ScoreFact("financien", date(2026, 2, 1), 3, 13),
        ],
    )
    got = rules.evaluate(rule, facts, date(2026, 3, 1))
    # the dip on 1 July breaks the first run; 1 Aug -> 1 Feb holds six months
    assert got.achieved_on == date(2026, 2, 1)
    assert [m["score"] for m in got.evidence["metingen"]] == [2, 4, 3]
    assert got.recorded_by == {11, 12, 13}


def test_event_occurs_and_provision_ends():
    facts = HouseholdFacts(
        1,
        START,
        events=[EventFact("schuldregeling", date(2025, 3, 3), 5)],
        provisions=[ProvisionFact("jeugdwet", date(2024, 6, 1), date(2025, 6, 30), 8)],
    )
    got = rules.evaluate(
        {"kind": "event_occurs", "event": "schuldregeling"}, facts, date(2025, 4, 1)
    )
    assert got.achieved_on == date(2025, 3, 3) and got.recorded_by == {5}
    rule = {"kind": "provision_ends", "law": "jeugdwet", "months": 6}
    assert rules.evaluate(rule, facts, date(2025, 10, 1)) is None  # hold not yet over
    got = rules.evaluate(rule, facts, date(2026, 1, 5))
    assert got.achieved_on == date(2025, 12, 30)
    # 1 June 2024 to 30 June 2025, both days included: 395 days / 30.4375 = 12.977..
    assert got.evidence["duur_dagen"] == 395
    assert got.evidence["duur_maanden"] == "12.98"
    facts.provisions.append(ProvisionFact("jeugdwet", date(2025, 9, 1), None, 8))
    assert rules.evaluate(rule, facts, date(2026, 1, 5)) is None  # started again
