"""Service errors become machine-readable 400s with field errors; refused households
are audited as access attempts (``audit.probes``) before their 404 goes out."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from maatpact.audit.probes import record_refused


def to_drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = {"non_field_errors": [str(m) for m in exc.messages]}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    record_refused(context.get("request"), exc, context.get("view"))
    # PermissionDenied first: a Forbidden (common.refusals) is a ValidationError too.
    if isinstance(exc, DjangoPermissionDenied):
        messages = getattr(exc, "messages", None)
        exc = exceptions.PermissionDenied(" ".join(messages) if messages else str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = to_drf_validation_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"detail": "Niet gevonden."}
    return Response(response.data, status=response.status_code, headers=response.headers)
