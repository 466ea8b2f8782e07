from django.db.models import QuerySet

from .models import Municipality, Organisation


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("name")


def organisations(kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    return qs.filter(kind=kind) if kind else qs
