"""What kind of data each field of a screening is (see ``common.classification``).

The criteria and the counts found are facts about the selection; the team lead's reason
for deviating from them is free text.
"""

from maatpact.common.classification import classify

from .models import Screening

classify(
    Screening,
    pseudonymous=(
        "id",
        "household",
        "phase",
        "screened_on",
        "screened_by",
        "min_domains",
        "min_laws",
        "domains_found",
        "laws_found",
        "assessment_on",
        "result",
        "created_at",
    ),
    free_text=("override_reason",),
)
