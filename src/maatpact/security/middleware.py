"""Request-level security controls that cover every page, also those of later apps.

* ``TwoFactorMiddleware``: a signed-in user whose session has not passed a TOTP check
  is sent to the setup or verification page (pages) or refused (session API calls).
  Token-authenticated API calls never carry a session user here and pass through.
* ``DatabaseUnavailableMiddleware``: when the database is briefly unreachable the user
  gets a plain Dutch 503 page with Retry-After instead of a traceback; the next request
  reconnects by itself (CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger("maatpact.security")

# Paths an unverified user may still reach (prefixes, resolved lazily).
_ALWAYS_OPEN = ("/static/", "/i18n/")


def two_factor_required() -> bool:
    return bool(getattr(settings, "MAATPACT_REQUIRE_2FA", False))


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def session_has_idp_mfa(request) -> bool:
    """The identity provider vouched for a second factor at sign-in (``accounts.oidc``)."""
    from maatpact.accounts.oidc import session_has_idp_mfa as from_session

    return from_session(request)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def _open_paths(self) -> tuple[str, ...]:
        return (
            *_ALWAYS_OPEN,
            reverse("security:totp_setup"),
            reverse("security:totp_verify"),
            reverse("security:totp_qr"),
            reverse("login"),
            reverse("logout"),
            "/oidc/",
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            two_factor_required()
            and user is not None
            and user.is_authenticated
            and not is_verified(user)
            and not session_has_idp_mfa(request)
            and not request.path.startswith(self._open_paths())
        ):
            if request.path.startswith("/api/"):
                # Session calls need a verified session; systems use token auth instead.
                return JsonResponse(
                    {"detail": "Tweestapsverificatie is vereist voor deze sessie."}, status=403
                )
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "security:totp_verify" if has_device else "security:totp_setup"
            response = redirect(reverse(target))
            if request.method == "GET":
                response["Location"] += "?" + _next_query(request.get_full_path())
            return response
        return self.get_response(request)


def _next_query(path: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": path})


NUL_MESSAGE = "Null-tekens (0x00) zijn niet toegestaan in een adres of invoer."
BAD_DATA_MESSAGE = "De invoer bevat een waarde die niet kan worden opgeslagen."


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(loader.render_to_string("400.html", {"message": message}), status=400)


class HostileInputMiddleware:
    """Refuses NUL bytes before they reach a query (PostgreSQL cannot store them).

    Checked: the path, the query string and JSON bodies. Form fields are left to the
    forms, which answer with a message next to the field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return bad_request(request, NUL_MESSAGE)
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json") and request.method in (
            "POST",
            "PUT",
            "PATCH",
        ):
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                return bad_request(request, NUL_MESSAGE)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a Dutch 503 page; recovers without restart."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return database_unavailable_response(request, exception)
        if isinstance(exception, DataError | OverflowError):
            # A value the database refuses (out of range, NUL byte...; SQLite's driver
            # raises OverflowError for integers beyond 64 bits): bad input, and the
            # transaction that tried it has been rolled back.
            logger.info("ongeldige waarde geweigerd door de database")
            return bad_request(request, BAD_DATA_MESSAGE)
        return None


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The Dutch 503 answer; also used by ``handler500`` for failures outside views."""
    # Log the class only: driver messages can contain query text with personal data.
    logger.warning("database onbereikbaar: %s", type(exc).__name__)
    # Drop the broken connection so the next request opens a fresh one (unless inside
    # an atomic block, where Django itself marks the connection for rollback/closing).
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue
        try:
            conn.close()
        except DatabaseError:
            logger.debug("verbinding sluiten mislukt")
    retry = str(settings.MAATPACT.get("DB_UNAVAILABLE_RETRY_AFTER", 30))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "De database is even niet bereikbaar. Probeer het zo opnieuw."},
            status=503,
        )
    else:
        # Rendered without a request: no context processor may touch the database.
        response = HttpResponse(
            loader.render_to_string("503.html", {"retry_after": retry}), status=503
        )
    response["Retry-After"] = retry
    return response


class SlidingSessionMiddleware:
    """The idle timeout slides with activity, without a session write on every request.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` writes (and commits) the session row on every
    request to push its expiry forward. Here a signed-in session is marked changed only
    when its last refresh is ``MAATPACT["SESSION_REFRESH_SECONDS"]`` (60) or more ago; the
    session middleware then saves it with a fresh expiry. The idle timeout thus ends
    between ``SESSION_COOKIE_AGE - 60 s`` and ``SESSION_COOKIE_AGE`` after the last
    request, and a burst of page views costs one write instead of one each.
    Anonymous sessions are never written (no session rows for visitors).
    """

    KEY = "_maatpact_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # After the view: a login, logout or session flush in the view is respected.
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(timezone.now().timestamp())
            every = settings.MAATPACT.get("SESSION_REFRESH_SECONDS", 60)
            if now - session.get(self.KEY, 0) >= every:
                session[self.KEY] = now
        return response


def session_refreshed_at_login(sender, request, user, **kwargs) -> None:
    """A login saves the session with a fresh expiry: the next minute needs no refresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SlidingSessionMiddleware.KEY] = int(timezone.now().timestamp())


NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """Every response is ``Cache-Control: no-store, private`` unless its view said otherwise.

    Almost every page and API answer of Maatpact holds personal data, so not storing is
    the default rather than something each view must remember (a shared proxy or the
    browser's disk cache would otherwise keep a household page). A view that sets its
    own ``Cache-Control`` keeps it; the only ones that do are aggregate charts, and the
    test over every route holds them to ``private``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
