"""What kind of data each field of the household core is (see ``common.classification``)."""

from maatpact.common.classification import classify

from .models import CoordinatorAssignment, Household, Member, ProcessingBasis, StatusChange

classify(
    Household,
    pseudonymous=(
        "id",
        "number",
        "municipality",
        "cohort",
        "status",
        "registered_on",
        "selected_on",
        "started_on",
        "closed_on",
        "anonymised_at",
        "created_at",
        "updated_at",
    ),
    identifying=("street", "house_number", "postcode", "city", "address", "members"),
    free_text=("closure_reason",),
)
classify(
    Member,
    identifying=("first_name", "last_name", "date_of_birth", "bsn"),
    pseudonymous=("id", "household", "role"),
)
classify(
    CoordinatorAssignment,
    pseudonymous=("id", "household", "coordinator", "started_at", "ended_at", "assigned_by"),
    free_text=("reason",),
)
classify(
    StatusChange,
    pseudonymous=("id", "household", "from_status", "to_status", "changed_by", "changed_at"),
    free_text=("reason",),
)
classify(
    ProcessingBasis,
    pseudonymous=(
        "id",
        "household",
        "partner",
        "kind",
        "purpose",
        "data_purpose",
        "basis",
        "law",
        "cross_domain",
        "given_on",
        "withdrawn_on",
    ),
)
