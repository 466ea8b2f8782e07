"""What kind of data each field of a provision is (see ``common.classification``).

Which law a household receives help under (Jeugdwet, Wmo, Participatiewet) and from whom
tells about youth care, health or benefits: a special category. Dates and amounts are
pseudonymous (they feed the system-cost figures).
"""

from maatpact.common.classification import classify

from .models import Provision

classify(
    Provision,
    special=("law", "financier", "provider"),
    free_text=("description",),
    pseudonymous=(
        "id",
        "household",
        "starts_on",
        "ends_on",
        "cost_kind",
        "amount",
        "created_by",
        "created_at",
    ),
)
