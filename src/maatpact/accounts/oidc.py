"""Staff sign-in through the municipality's identity provider (OpenID Connect).

Built on mozilla-django-oidc (the library the Dutch Common Ground projects use), with
PKCE and RS256 id tokens checked against the provider's JWKS. Off unless
``OIDC_RP_CLIENT_ID`` is set; local accounts stay (the demo signs in locally).

The provider's claims decide who the user is in Maatpact, on every sign-in:

* ``MAATPACT_OIDC["ROLE_CLAIM"]`` (default ``maatpact_rol``): one of the staff roles
  regisseur, teamleider, programmateam, analist. Partners (financiers) and the
  administrator never sign in this way.
* ``MAATPACT_OIDC["MUNICIPALITY_CLAIM"]`` (default ``gemeente``): the CBS code of the
  user's municipality, required for coordinators and team leads; the municipality
  must belong to the configured region (``MAATPACT_OIDC["REGION"]``, a region code).

A missing or unknown claim refuses the sign-in with a Dutch message on the login page.
When the id token's ``amr`` names a second factor (``MAATPACT_OIDC["MFA_AMR"]``), the
identity provider's multi-factor counts and the session is verified; otherwise the
user still gives Maatpact's own second factor (TOTP) before seeing anything.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from maatpact.accounts.models import Role, User

#: Session key: the identity provider vouched for a second factor in this session.
IDP_MFA_SESSION_KEY = "maatpact_idp_mfa"
OIDC_ROLES = (Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM, Role.ANALIST)
MUNICIPAL_ROLES = (Role.REGISSEUR, Role.TEAMLEIDER)
DEFAULT_MFA_AMR = ("mfa", "otp", "hwk", "swk", "sms", "fido")


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def _config(key: str, default: Any) -> Any:
    return getattr(settings, "MAATPACT_OIDC", {}).get(key, default)


class Refused(SuspiciousOperation):
    """The claims do not make a Maatpact staff account; ``str(exc)`` is the Dutch reason."""


def staff_from_claims(claims: dict[str, Any]) -> tuple[str, Any]:
    """The role and municipality the claims give, or :class:`Refused` with the reason."""
    from maatpact.regions.models import Municipality

    role = str(claims.get(_config("ROLE_CLAIM", "maatpact_rol")) or "")
    if not role:
        raise Refused(
            "Uw organisatie heeft niet doorgegeven welke rol u in Maatpact hebt. "
            "Vraag uw beheerder de rol toe te kennen."
        )
    if role not in OIDC_ROLES:
        raise Refused(f"De rol '{role}' kan niet via uw organisatie inloggen.")
    municipality = None
    if role in MUNICIPAL_ROLES:
        code = str(claims.get(_config("MUNICIPALITY_CLAIM", "gemeente")) or "")
        if not code:
            raise Refused(
                "Uw organisatie heeft niet doorgegeven voor welke gemeente u werkt. "
                "Vraag uw beheerder de gemeente toe te kennen."
            )
        municipalities = Municipality.objects.filter(cbs_code=code)
        region = _config("REGION", "")
        if region:
            municipalities = municipalities.filter(region__code=region)
        municipality = municipalities.first()
        if municipality is None:
            raise Refused(f"Gemeente '{code}' doet niet mee in deze regio van Maatpact.")
    return role, municipality


def mfa_from_claims(claims: dict[str, Any]) -> bool:
    """Whether the id token says the provider checked a second factor (``amr``)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    accepted = set(_config("MFA_AMR", DEFAULT_MFA_AMR))
    return bool(accepted & {str(a) for a in amr})


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Finds or creates the staff account of the provider's subject; maps its claims."""

    def __init__(self, *args, **kwargs):
        # Listed among the backends always; without configuration it does nothing (and
        # the password login must not fail on missing OIDC settings).
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or "username" in kwargs or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    @staticmethod
    def username_for(claims: dict[str, Any]) -> str:
        return f"oidc-{claims.get('sub', '')}"[:150]

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return User.objects.filter(username=self.username_for(claims))

    def get_or_create_user(self, access_token, id_token, payload):
        self._id_claims = payload
        try:
            user = super().get_or_create_user(access_token, id_token, payload)
        except Refused as exc:
            self.request.maatpact_oidc_refusal = str(exc)
            raise
        if user is not None:
            user.maatpact_idp_mfa = mfa_from_claims(payload)
        return user

    def create_user(self, claims):
        role, municipality = staff_from_claims({**self._id_claims, **claims})
        user = User.objects.create_user(
            username=self.username_for(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            role=role,
            municipality=municipality,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return user

    def update_user(self, user, claims):
        """The provider is the source: role and municipality follow it on every sign-in."""
        role, municipality = staff_from_claims({**self._id_claims, **claims})
        if not user.is_active:
            raise Refused("Uw account in Maatpact is uitgeschakeld.")
        user.role = role
        user.municipality = municipality
        user.email = claims.get("email", user.email)
        user.save(update_fields=["role", "municipality", "email"])
        return user


class StartView(OIDCAuthenticationRequestView):
    """``/oidc/start/``: off (404) unless configured."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if oidc_enabled():
            super().__init__(*args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """``/oidc/callback/``: signs the user in, records whether the provider did the MFA."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def login_failure(self):
        reason = getattr(self.request, "maatpact_oidc_refusal", "") or (
            "Inloggen via uw organisatie is niet gelukt. Probeer het opnieuw."
        )
        messages.error(self.request, reason)
        return HttpResponseRedirect(self.failure_url)

    def login_success(self):
        response = super().login_success()
        self.request.session[IDP_MFA_SESSION_KEY] = bool(
            getattr(self.user, "maatpact_idp_mfa", False)
        )
        return response


def session_has_idp_mfa(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(IDP_MFA_SESSION_KEY))
