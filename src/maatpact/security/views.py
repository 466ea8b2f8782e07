"""Two-factor setup and verification pages, subject access page, error handlers."""

from __future__ import annotations

import json
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error
from django_otp import login as otp_login

from maatpact.accounts import policies
from maatpact.common.refusals import refuse

from . import inzage, totp
from .forms import InzageForm, TokenForm
from .middleware import database_unavailable_response, is_database_outage


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@never_cache
@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """First login: scan the QR code (or type the secret), confirm with one code."""
    if totp.confirmed_devices(request.user).exists():
        return redirect("security:totp_verify")
    device = totp.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", "Te veel onjuiste codes. Wacht even en probeer het opnieuw.")
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Tweestapsverificatie is ingesteld.")
            return redirect(_next_url(request))
        else:
            form.add_error("token", "Deze code klopt niet. Controleer de tijd op uw telefoon.")
    return render(
        request,
        "security/totp_setup.html",
        {"form": form, "secret": totp.secret_text(device), "next": _next_url(request)},
    )


@never_cache
@login_required
def totp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the pending device as an SVG image (only before it is confirmed)."""
    if totp.confirmed_devices(request.user).exists():
        raise Http404
    response = HttpResponse(totp.qr_svg(totp.pending_device(request.user)))
    response["Content-Type"] = "image/svg+xml"
    return response


@never_cache
@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    """Every login: one code from the app. django-otp throttles repeated failures."""
    devices = list(totp.confirmed_devices(request.user))
    if not devices:
        return redirect("security:totp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                form.add_error(
                    "token", "Te veel onjuiste codes. Wacht even en probeer het dan opnieuw."
                )
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        else:
            form.add_error("token", "Deze code klopt niet. Probeer de volgende code uit uw app.")
    return render(request, "security/totp_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def subject_access(request: HttpRequest, number: str) -> HttpResponse:
    """Inzage (AVG art. 15): everything stored about one household, with its audit trail."""
    household = policies.get_full_household(request.user, number)
    if not policies.can_request_subject_access(request.user, household):
        refuse("Inzage vraagt de regisseur of de teamleider van dit huishouden aan.")
    form = InzageForm(request.GET or None)
    fmt = form.cleaned_data["format"] if form.is_valid() else "html"
    report = inzage.build_report(household, actor=request.user, channel=f"scherm {fmt}")
    if fmt == "json":
        response = HttpResponse(
            json.dumps(report.as_dict(), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="inzage-{household.number}.json"'
        return response
    return render(
        request, "security/inzage.html", {"household": household, "report": report, "form": form}
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a lost database gets the 503 page, anything else the 500 page."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return database_unavailable_response(request, exc)
    return django_server_error(request)
