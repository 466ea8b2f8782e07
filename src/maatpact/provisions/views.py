"""Provision pages: the register, its timeline and the system cost. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from maatpact.accounts import policies
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.common.forms import apply_validation_error
from maatpact.common.money import ZERO
from maatpact.regions.models import Organisation

from . import selectors, services
from .charts import timeline_png
from .forms import EndForm, ProvisionForm
from .models import Provision


def cost_context(household, provisions, today) -> dict:
    """Everything the overview needs, computed from one list of provisions."""
    comparison = selectors.cost_before_and_during(household, today, provisions)
    organisations = selectors.organisations_overview(provisions, today)
    financier_ids = set(comparison.before) | set(comparison.during)
    names = {row.organisation.pk: row.organisation.name for row in organisations}
    names.update({p.financier_id: p.financier.name for p in provisions})
    by_financier = [
        {
            "name": names.get(fid, str(fid)),
            "before": comparison.before.get(fid),
            "during": comparison.during.get(fid),
            "during_per_year": comparison.during_per_year.get(fid),
        }
        for fid in sorted(financier_ids, key=lambda f: names.get(f, ""))
    ]
    return {
        "comparison": comparison,
        "by_financier": by_financier,
        "organisations": organisations,
        "annual_total": sum((r.as_financier for r in organisations), ZERO),
    }


@login_required
def register(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_special_household(request.user, number)
    today = dates.today()
    provisions = selectors.household_provisions(household)
    record(request.user, Action.VIEW, household, household_id=household.pk, detail="voorzieningen")
    return render(
        request,
        "provisions/register.html",
        {
            "household": household,
            "provisions": provisions,
            "today": today,
            "can_edit": policies.can_work_on_case(request.user, household),
            **cost_context(household, provisions, today),
        },
    )


@login_required
@never_cache
def timeline(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_special_household(request.user, number)
    today = dates.today()
    provisions = selectors.household_provisions(household)
    record(
        request.user,
        Action.VIEW,
        household,
        household_id=household.pk,
        detail="tijdlijn voorzieningen",
    )
    body = timeline_png(provisions, selectors.programme_entry(household), today)
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _initial(provision: Provision) -> dict:
    return {
        "description": provision.description,
        "law": provision.law_id,
        "financier": provision.financier_id,
        "provider": provision.provider_id,
        "starts_on": provision.starts_on,
        "ends_on": provision.ends_on,
        "cost_kind": provision.cost_kind,
        "amount": provision.amount,
    }


@login_required
def provision_form(request: HttpRequest, number: str, pk: int | None = None) -> HttpResponse:
    household = policies.get_case_household(request.user, number)
    provision = get_object_or_404(Provision, pk=pk, household=household) if pk else None
    form = ProvisionForm(request.POST or None, initial=_initial(provision) if provision else None)
    if provision is None and not request.POST:
        form.fields["financier"].initial = (
            Organisation.objects.filter(kind="gemeente", municipality_id=household.municipality_id)
            .values_list("pk", flat=True)
            .first()
        )
    if request.method == "POST" and form.is_valid():
        try:
            if provision:
                services.update_provision(request.user, provision, **form.cleaned_data)
            else:
                services.add_provision(request.user, household, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De voorziening is opgeslagen.")
            return redirect("provisions:register", number=number)
    return render(
        request,
        "provisions/form.html",
        {
            "household": household,
            "form": form,
            "title": "Voorziening wijzigen" if provision else "Nieuwe voorziening",
        },
    )


@login_required
def end(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    household = policies.get_case_household(request.user, number)
    provision = get_object_or_404(Provision, pk=pk, household=household)
    form = EndForm(request.POST or None, initial={"ends_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_provision(request.user, provision, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De voorziening is beëindigd.")
            return redirect("provisions:register", number=number)
    return render(
        request,
        "provisions/form.html",
        {
            "household": household,
            "form": form,
            "title": f"Voorziening beëindigen: {provision.description}",
        },
    )
