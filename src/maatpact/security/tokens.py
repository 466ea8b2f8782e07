"""The token endpoint: a token only for the caller itself, never past a second factor.

``POST /api/v1/token/`` hands out a token (shown this once; only its digest is stored,
``accounts.ApiToken``), valid ``MAATPACT_API_TOKEN_HOURS``; ``DELETE`` with that token
revokes it.

A token is exempt from the second factor (it serves scripts and systems), so handing one
out is as strong as the login that asked for it (issue 14):

* with two-factor required, only a session that passed *its own* second factor (TOTP,
  or the identity provider's MFA) gets a token, and only for its own account (the
  credentials posted must be its own); system accounts get theirs from the
  administrator (/beheer/ -> API-tokens);
* without it (demo), the username and password are the login, and a logged-in session
  still cannot fetch another account's token.

Every refusal is audited (``refuse``) in the chain of the account concerned, the same
answer for an unknown username as for a known one; an issued token is audited by
``accounts.tokens.issue``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, renderers, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from maatpact.accounts import tokens
from maatpact.accounts.models import ApiToken, User
from maatpact.api.mixins import run_service
from maatpact.audit.services import Action, record, user_chain_key

from .middleware import is_verified, session_has_idp_mfa, two_factor_required

REFUSED = (
    "Tokens worden alleen uitgegeven aan uzelf, na uw eigen tweestapsverificatie, "
    "of door de beheerder."
)

DEFAULT_NAME = "Token via /api/v1/token/"
LOCKED = "Te veel mislukte pogingen. Dit account is tijdelijk geblokkeerd; probeer het later."


def _refuse(caller, username: str, detail: str) -> Response:
    owner_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    record(
        caller,
        Action.REFUSE,
        ("accounts.apitoken", ""),
        chain=user_chain_key(owner_id) if owner_id else None,
        detail=detail,
    )
    return Response({"detail": REFUSED}, status=status.HTTP_403_FORBIDDEN)


class TokenRequestSerializer(AuthTokenSerializer):
    name = serializers.CharField(max_length=100, required=False, default=DEFAULT_NAME)


_issued = inline_serializer(
    "IssuedToken",
    {
        "token": serializers.CharField(),
        "expiry": serializers.DateTimeField(),
        "name": serializers.CharField(),
    },
)


class ObtainTokenView(APIView):
    """Username + password -> the caller's own token (see the module docstring)."""

    throttle_classes = ()
    permission_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)
    renderer_classes = (renderers.JSONRenderer,)
    serializer_class = TokenRequestSerializer

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=TokenRequestSerializer, responses={200: _issued})
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
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                # The same lockout as the login page (django-axes counts these attempts).
                return Response({"detail": LOCKED}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        token, text = run_service(
            tokens.issue_token,
            user,
            name=serializer.validated_data["name"],
            lifetime=tokens.self_service_lifetime(),
            actor=user,
        )
        return Response({"token": text, "expiry": token.expiry, "name": token.name})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        """Revoke the token this request is made with."""
        if not isinstance(request.auth, ApiToken):
            return Response(
                {"detail": "Stuur het token mee dat u wilt intrekken."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        tokens.revoke_token(request.auth, actor=request.user, reason="ingetrokken door houder")
        return Response(status=status.HTTP_204_NO_CONTENT)


obtain_token = ObtainTokenView.as_view()
