"""What kind of data each field of an outcome is (see ``common.classification``).

The evidence of an achieved outcome is the facts the rule used (dates, scores, event
codes): pseudonymous. The verifier's note is free text.
"""

from maatpact.common.classification import classify

from .models import AchievedOutcome, HouseholdEvent

classify(
    AchievedOutcome,
    pseudonymous=(
        "id",
        "household",
        "definition",
        "achieved_on",
        "evidence",
        "recorded_by_ids",
        "evaluated_at",
        "status",
        "verified_by",
        "verified_at",
    ),
    free_text=("verification_note",),
)
classify(
    HouseholdEvent,
    pseudonymous=("id", "household", "event_type", "occurred_on", "recorded_by", "recorded_at"),
    free_text=("note",),
)
