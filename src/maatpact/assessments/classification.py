"""What kind of data each field of an assessment is (see ``common.classification``).

ZRM scores are measurements of the programme: pseudonymous; the household's own words
and the assessor's notes are free text.
"""

from maatpact.common.classification import classify

from .models import Assessment, ProgressScore, Score, SubjectProgress

classify(
    Assessment,
    pseudonymous=(
        "id",
        "household",
        "instrument",
        "member",
        "assessed_on",
        "assessed_by",
        "own_rating",
        "created_at",
    ),
    free_text=("own_words",),
)
classify(Score, pseudonymous=("id", "assessment", "domain", "score"), free_text=("note",))
classify(
    ProgressScore,
    pseudonymous=("id", "progress", "household", "domain", "first_score", "latest_score"),
)
classify(
    SubjectProgress,
    pseudonymous=(
        "id",
        "household",
        "member",
        "instrument",
        "first_assessment",
        "first_on",
        "latest_assessment",
        "latest_on",
        "assessments",
    ),
)
