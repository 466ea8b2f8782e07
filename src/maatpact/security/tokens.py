"""The token endpoint: a token only for the caller itself, never past a second factor.

A token is exempt from the second factor (it serves scripts and systems), so handing one
out is as strong as the login that asked for it:

* with two-factor required, only a session that passed *its own* second factor gets a
  token, and only for its own account (the credentials posted must be its own);
  system accounts get theirs from the administrator (/beheer/ -> Tokens);
* without it (demo), the username and password are the login, and a logged-in session
  still cannot fetch another account's token.

Every attempt is audited in the chain of the account concerned (``user:<id>``):
``issue`` when a token is handed out, ``refuse`` when not. A refusal says the same for
an unknown username as for a known one.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from maatpact.accounts.models import User
from maatpact.audit.services import Action, record, user_chain_key

from .middleware import is_verified, session_has_idp_mfa, two_factor_required

REFUSED = (
    "Tokens worden alleen uitgegeven aan uzelf, na uw eigen tweestapsverificatie, "
    "of door de beheerder."
)


def _audit(caller, owner_id: int | None, action: str, detail: str) -> None:
    record(
        caller if getattr(caller, "is_authenticated", False) else None,
        action,
        ("authtoken.token", owner_id or ""),
        chain=user_chain_key(owner_id) if owner_id else None,
        detail=detail,
    )


def _refuse(caller, username: str, detail: str) -> Response:
    owner_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    _audit(caller, owner_id, Action.REFUSE, detail)
    return Response({"detail": REFUSED}, status=status.HTTP_403_FORBIDDEN)


class ObtainTokenView(ObtainAuthToken):
    """Username + password -> the caller's own token (see the module docstring)."""

    def post(self, request, *args, **kwargs):
        caller = request.user if request.user.is_authenticated else None
        username = str(request.data.get("username", ""))[:150]
        if two_factor_required():
            if caller is None or not (is_verified(caller) or session_has_idp_mfa(request)):
                # Before the password is checked: a stolen password learns nothing here.
                return _refuse(caller, username, "api token: zonder tweede factor")
            if username != caller.get_username():
                return _refuse(caller, username, "api token: voor een ander account")
        elif caller is not None and username != caller.get_username():
            return _refuse(caller, username, "api token: voor een ander account")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=owner)
        _audit(caller or owner, owner.pk, Action.ISSUE, "api token")
        return Response({"token": token.key})


obtain_token = ObtainTokenView.as_view()
