"""A second step before a consequential single click (escalate, withdraw a legal basis,
close a household).

Without JavaScript (the CSP allows no inline code and the pages work without scripts)
a confirmation is a page: the first POST shows what will happen with the posted values
kept as hidden fields; only the POST from that page's "Ja, ..." button carries
``bevestigd=ja`` and performs the action. "Annuleren" goes back without writing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "bevestigd"
CONFIRM_VALUE = "ja"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def confirmed(request: HttpRequest) -> bool:
    """True for the POST sent from the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def ask_confirmation(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    confirm_label: str,
    cancel_url: str,
    summary: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """The confirmation page for this POST: what happens, what was entered, two buttons."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "summary": summary or [],
            "carried": carried,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "action": request.path,
        },
    )
