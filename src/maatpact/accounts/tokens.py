"""API tokens: issued once in clear, stored as a digest, expiring, revoked, audited.

One verb per action (issue, revoke), each one transaction with one audit record on the
user's own chain (``audit.services.user_chain_key``), so token events of different
accounts never queue on one lock. The authentication class is django-rest-knox's, plus
an audit record per use: with the request id it ties every household record an API call
writes to the token that made it.

Revoked automatically (``revoke_on_user_change``, ``revoke_on_logout``): all of a
user's tokens when its password changes or it is deactivated; the tokens a user fetched
for itself when it logs out of the session they came from.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.models import get_digest_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from maatpact.audit.models import AuditEvent
from maatpact.audit.services import record, user_chain_key

from .models import ApiToken, User

Action = AuditEvent.Action

# knox's tokens: 64 hexadecimal characters (AUTH_TOKEN_CHARACTER_LENGTH, no prefix).
_TOKEN_SHAPE = re.compile(r"[0-9a-f]{64}")


def self_service_lifetime() -> timedelta:
    return timedelta(hours=settings.MAATPACT_API_TOKEN_HOURS)


def max_lifetime() -> timedelta:
    return timedelta(days=settings.MAATPACT_API_TOKEN_MAX_DAYS)


def _record(actor: Any, action: str, user: User, token: ApiToken | None, detail: str) -> None:
    obj = token if token is not None and token.pk else ("accounts.apitoken", "")
    record(actor, action, obj, chain=user_chain_key(user.pk), detail=detail)


def issue(token: ApiToken, *, lifetime: timedelta, actor: Any) -> str:
    """Save a new ``token`` (user and name set) and return the token text, once.

    Only its digest is stored; the text cannot be recovered afterwards.
    """
    if not token.name.strip():
        raise ValidationError({"name": "Geef het token een naam of doel."})
    if lifetime <= timedelta(0) or lifetime > max_lifetime():
        raise ValidationError(
            {
                "expiry": "Een token is ten hoogste "
                f"{settings.MAATPACT_API_TOKEN_MAX_DAYS} dagen geldig."
            }
        )
    digest, text = get_digest_token()
    token.digest, token.token_key = digest, text[: CONSTANTS.TOKEN_KEY_LENGTH]
    token.issued_by = actor if getattr(actor, "pk", None) else None
    token.created = timezone.now()
    token.expiry = token.created + lifetime
    with transaction.atomic():
        token.save(force_insert=True)
        _record(actor, Action.ISSUE, token.user, token, f"geldig tot {token.expiry:%Y-%m-%d %H:%M}")
    return text


def issue_token(user: User, *, name: str, lifetime: timedelta, actor: Any) -> tuple[ApiToken, str]:
    token = ApiToken(user=user, name=name)
    return token, issue(token, lifetime=lifetime, actor=actor)


def revoke_token(token: ApiToken, *, actor: Any, reason: str) -> None:
    with transaction.atomic():
        _record(actor, Action.REVOKE, token.user, token, reason)
        token.delete()


def revoke_user_tokens(user: User, *, actor: Any, reason: str, self_issued: bool = False) -> int:
    """Delete the user's tokens (only those it fetched for itself, if ``self_issued``)."""
    tokens = ApiToken.objects.filter(user=user)
    if self_issued:
        tokens = tokens.filter(issued_by=user)
    with transaction.atomic():
        count, _ = tokens.delete()
        if count:
            _record(actor, Action.REVOKE, user, None, f"{reason}: {count} token(s)")
    return count


class ApiTokenAuthentication(TokenAuthentication):
    """knox's check (digest lookup, constant-time compare, expiry, active user), audited.

    Header: ``Authorization: Token <token>``, as before. A value that cannot be a token
    is refused before any query.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Ongeldig token.") from exc
        if not _TOKEN_SHAPE.fullmatch(text):
            raise exceptions.AuthenticationFailed("Ongeldig token.")
        return super().authenticate_credentials(token)

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, api_token = result
            record(
                user,
                Action.USE,
                api_token,
                chain=user_chain_key(user.pk),
                detail=request.method[:10],
            )
        return result


def revoke_on_user_change(sender, instance: User, created: bool, **kwargs) -> None:
    """post_save of User: a new password or a deactivation revokes every token.

    ``set_password`` leaves the raw password in ``_password`` until the save; Django's
    rehash at login clears it first, so an upgraded hash is not a password change.
    """
    if created or kwargs.get("raw"):
        return
    if not instance.is_active:
        revoke_user_tokens(instance, actor=None, reason="gebruiker gedeactiveerd")
    elif getattr(instance, "_password", None) is not None:
        revoke_user_tokens(instance, actor=None, reason="wachtwoord gewijzigd")


def revoke_on_logout(sender, request, user, **kwargs) -> None:
    """user_logged_out: the tokens a user fetched for itself end with its session."""
    if user is not None and getattr(user, "pk", None):
        revoke_user_tokens(user, actor=user, reason="uitgelogd", self_issued=True)


def record_expired(sender, username: str, **kwargs) -> None:
    """knox deletes an expired token when it sees it: audit that as a revocation."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        _record(None, Action.REVOKE, user, None, "verlopen")


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme: ``Authorization: Token <token>``, named as before."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
