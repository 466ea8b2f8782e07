"""The token endpoint, closed to password-only logins while two-factor is required."""

from __future__ import annotations

from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from .middleware import is_verified, two_factor_required


class ObtainTokenView(ObtainAuthToken):
    """Username + password -> token, unless that would bypass the second factor.

    With two-factor required, a token (which is exempt from the second factor, as it
    serves systems) is only handed out to a session that has passed the TOTP check;
    system accounts get theirs from the administrator (/beheer/ -> Tokens).
    """

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
        return super().post(request, *args, **kwargs)


obtain_token = ObtainTokenView.as_view()
