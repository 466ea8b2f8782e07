"""The field classification: complete for every household record, and enforced."""

from __future__ import annotations

import pytest

from maatpact.common import checks, classification
from maatpact.common.classification import Category
from maatpact.outcomes.models import AchievedOutcome
from maatpact.security.personal import household_links


def test_every_household_record_is_classified_field_by_field():
    assert checks.every_field_classified(None) == []
    for link in household_links():
        if not link.model._meta.auto_created:
            assert classification.is_classified(link.model), link.label


def test_a_new_unclassified_column_fails_the_system_check(monkeypatch):
    label = AchievedOutcome._meta.label_lower
    declared = dict(classification._fields[label])
    del declared["verification_note"]
    monkeypatch.setitem(classification._fields, label, declared)
    errors = checks.every_field_classified(None)
    assert [e.id for e in errors] == ["maatpact.E004"]
    assert "verification_note" in errors[0].msg
    # And meanwhile the field is treated as free text: withheld, never shown.
    assert "verification_note" in classification.withheld_fields(AchievedOutcome)


def test_free_text_and_identifying_fields_are_withheld_pseudonymous_shown():
    withheld = classification.withheld_fields(AchievedOutcome)
    assert "verification_note" in withheld
    assert not {"household", "achieved_on", "evidence", "status"} & withheld
    assert classification.category(AchievedOutcome, "verification_note") is Category.FREE_TEXT


def test_pseudonymised_view_of_a_record():
    outcome = AchievedOutcome(verification_note="geheim", status="geverifieerd")
    view = classification.seen(outcome, full=False)
    assert view.verification_note == "" and view.status == "geverifieerd"
    assert classification.seen(outcome, full=True) is outcome


def test_a_field_cannot_be_classified_twice_or_misspelled():
    from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        classification.classify(AchievedOutcome, pseudonymous=("status",), free_text=("status",))
    with pytest.raises(FieldDoesNotExist):
        classification.classify(AchievedOutcome, pseudonymous=("statsu",))


def test_schema_does_not_require_what_a_pseudonymised_view_leaves_out(client, db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert "verification_note" not in components["Achieved"].get("required", [])
    assert "closure_reason" not in components["Household"].get("required", [])
    assert "status" in components["Achieved"]["required"]
