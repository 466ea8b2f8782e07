"""What kind of data each field of the plan is (see ``common.classification``).

The plan is written in the household's own words: all of its text is free text, and the
version history (``diff``) carries the same text.
"""

from maatpact.common.classification import classify

from .models import Action, Goal, Plan, PlanChange

classify(
    Plan,
    pseudonymous=("id", "household", "agreed_on", "created_at", "updated_at"),
    free_text=("future_in_own_words", "first_need_in_own_words"),
)
classify(
    Goal,
    pseudonymous=("id", "plan", "domain_code", "status", "order", "created_at", "updated_at"),
    free_text=("description",),
)
classify(
    Action,
    pseudonymous=(
        "id",
        "plan",
        "goal",
        "who_kind",
        "organisation",
        "due_on",
        "status",
        "done_on",
        "created_at",
        "updated_at",
    ),
    free_text=("who", "what"),
)
classify(
    PlanChange,
    pseudonymous=(
        "id",
        "plan",
        "version",
        "subject",
        "subject_id",
        "kind",
        "changed_by",
        "changed_at",
    ),
    free_text=("diff",),
)
