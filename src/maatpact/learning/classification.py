"""What kind of data each field of a reflection is (see ``common.classification``)."""

from maatpact.common.classification import classify

from .models import Reflection

classify(
    Reflection,
    pseudonymous=("id", "household", "author", "written_at", "updated_at"),
    free_text=("what_happened", "what_worked", "next_time"),
)
