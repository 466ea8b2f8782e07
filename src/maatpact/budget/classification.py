"""What kind of data each field of a spend is (see ``common.classification``)."""

from maatpact.common.classification import classify

from .models import LedgerEntry, ScenarioLine, Spend

classify(
    Spend,
    pseudonymous=(
        "id",
        "idempotency_key",
        "allocation",
        "household",
        "requested_by",
        "requested_at",
        "amount",
        "category",
        "goal",
        "obstacle",
        "law",
        "financier",
        "value_legitimate",
        "value_involved",
        "value_return",
        "needs_approval",
        "status",
        "decided_by",
        "decided_at",
        "paid_at",
        "paid_by",
        "reversed_amount",
    ),
    free_text=("purpose", "justification", "rejection_reason"),
)
classify(
    LedgerEntry,
    pseudonymous=(
        "id",
        "allocation",
        "seq",
        "kind",
        "amount",
        "spend",
        "transfer",
        "actor",
        "created_at",
        "prev_hash",
        "hash",
    ),
    free_text=("reason",),
)
classify(
    ScenarioLine,
    pseudonymous=("id", "spend", "kind", "provision", "financier", "annual_cost", "avoided"),
    free_text=("description",),
)
