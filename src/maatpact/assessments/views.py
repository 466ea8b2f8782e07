"""Assessment pages. Thin: policies decide access, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from maatpact.accounts import policies
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.common.forms import apply_validation_error

from . import selectors, services
from .charts import trajectory_png
from .forms import AssessmentForm
from .models import Instrument


def _subject(request: HttpRequest, household):
    """The member (for ``?voor=<id>``) or ``None`` for the household itself; else 404."""
    key = request.GET.get("voor", selectors.HOUSEHOLD)
    adults = selectors.adult_members(household, dates.today())
    if key == selectors.HOUSEHOLD:
        return None, adults
    for member in adults:
        if str(member.pk) == key:
            return member, adults
    raise Http404("Gezinslid niet gevonden.")


@login_required
def new(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_case_household(request.user, number)
    member, adults = _subject(request, household)
    kind = Instrument.Kind.INDIVIDUEEL if member else Instrument.Kind.HUISHOUDEN
    instrument = selectors.current_instrument(kind)
    if instrument is None:
        raise Http404("Er is geen meetinstrument in gebruik.")
    domains = list(instrument.domains.all())
    today = dates.today()
    has_children = len(adults) < household.members.count()
    if member is None and not has_children:
        domains = [d for d in domains if not d.children_supplement]
    form = AssessmentForm(
        request.POST or None,
        domains=domains,
        previous=selectors.previous_scores(household, member),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(
                request.user,
                household,
                member=member,
                instrument=instrument,
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                own_rating=form.cleaned_data["own_rating"],
                own_words=form.cleaned_data["own_words"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De meting is vastgelegd.")
            return redirect(f"{household_url(number)}#paneel-assessments")
    else:
        record(
            request.user,
            Action.VIEW,
            household,
            household_id=household.pk,
            detail="metingformulier",
        )
    return render(
        request,
        "assessments/form.html",
        {
            "household": household,
            "form": form,
            "instrument": instrument,
            "member": member,
            "adults": adults,
        },
    )


def household_url(number: str) -> str:
    from django.urls import reverse

    return reverse("households:detail", args=[number])


@login_required
def overview(request: HttpRequest, number: str) -> HttpResponse:
    """Every measurement of the household as tables: the accessible form of the charts."""
    household, full = policies.get_visible_household(request.user, number)
    record(
        request.user,
        Action.VIEW,
        household,
        household_id=household.pk,
        detail="metingen volledig" if full else "metingen gepseudonimiseerd",
    )
    members = list(household.members.order_by("date_of_birth"))
    items = selectors.trajectories(
        selectors.household_assessments(household), full=full, members=members
    )
    return render(
        request,
        "assessments/overview.html",
        {
            "household": household,
            "full": full,
            "trajectories": items,
            "can_assess": full and policies.can_work_on_case(request.user, household, full=full),
        },
    )


@login_required
@never_cache
def chart(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """The PNG of one subject's trajectory; scores only, so pseudonymised access suffices."""
    household, full = policies.get_visible_household(request.user, number)
    trajectory = selectors.trajectory_for(household, key, full=full)
    if trajectory is None:
        raise Http404("Geen metingen.")
    record(
        request.user, Action.VIEW, household, household_id=household.pk, detail="grafiek metingen"
    )
    response = HttpResponse(trajectory_png(trajectory), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
