"""What kind of data each field of an obstacle's case is (see ``common.classification``).

The rule an obstacle runs into (text and link), its law and organisation are facts about
the system, not the person: pseudonymous. Whatever a worker typed about the case is free
text, and so is who broke through (a typed name).
"""

from maatpact.common.classification import classify

from .models import Breakthrough, CustomFitDecision, EscalationStep, Obstacle

classify(
    Obstacle,
    pseudonymous=(
        "id",
        "household",
        "municipality",
        "type",
        "rule_text",
        "rule_url",
        "law",
        "organisation",
        "delay_days",
        "harm_euros",
        "raised_by",
        "raised_at",
        "current_level",
        "deadline",
        "updated_at",
        # The ladder steps as a relation; their own note and answer are free text below.
        "steps",
    ),
    free_text=("description",),
)
classify(
    Breakthrough,
    pseudonymous=(
        "id",
        "obstacle",
        "level",
        "on",
        "cost",
        "recorded_by",
        "recorded_at",
        "days_to_breakthrough",
    ),
    free_text=("what", "broken_by"),
)
classify(
    CustomFitDecision,
    pseudonymous=("id", "obstacle", "decided_by", "decided_on"),
    free_text=(
        "desired_effect",
        "law_purpose",
        "effect_person_short",
        "effect_person_long",
        "effect_family_short",
        "effect_family_long",
        "effect_money_short",
        "effect_money_long",
        "legal_test",
        "decision",
    ),
)
classify(
    EscalationStep,
    pseudonymous=(
        "id",
        "obstacle",
        "level",
        "from_level",
        "at",
        "by",
        "automatic",
        "deadline",
        "reference",
        "answered_on",
    ),
    free_text=("note", "answer"),
)
