"""The token endpoint, closed to password-only logins while two-factor is required.

``POST /api/v1/token/`` hands out a token (shown this once; only its digest is stored,
``accounts.ApiToken``), valid ``MAATPACT_API_TOKEN_HOURS``; ``DELETE`` with that token
revokes it.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, renderers, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from maatpact.accounts import tokens
from maatpact.accounts.models import ApiToken
from maatpact.api.mixins import run_service

from .middleware import is_verified, two_factor_required

DEFAULT_NAME = "Token via /api/v1/token/"
LOCKED = "Te veel mislukte pogingen. Dit account is tijdelijk geblokkeerd; probeer het later."


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
    """Username + password -> token, unless that would bypass the second factor.

    With two-factor required, a token (which is exempt from the second factor, as it
    serves systems) is only handed out to a session that has passed the TOTP check;
    system accounts get theirs from the administrator (/beheer/ -> API-tokens).
    """

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
        if two_factor_required() and not (
            request.user.is_authenticated and is_verified(request.user)
        ):
            return Response(
                {
                    "detail": (
                        "Tokens worden alleen uitgegeven na tweestapsverificatie of door "
                        "de beheerder."
                    )
                },
                status=status.HTTP_403_FORBIDDEN,
            )
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
