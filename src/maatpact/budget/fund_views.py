"""Pages for the fund and its sources (programme team): propose, confirm, top up, overview."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maatpact.accounts import policies
from maatpact.common.forms import MoneyField, apply_validation_error
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Region

from . import sources
from .models import Fund

ROWS = 12  # enough for the nine municipalities and a second source for some


class ContributionForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Gemeente", queryset=Municipality.objects.all(), required=False
    )
    source = forms.ModelChoiceField(
        label="Bronbudget (wet)", queryset=Law.objects.all(), required=False
    )
    budget_line = forms.CharField(label="Begrotingspost", max_length=200, required=False)
    amount = MoneyField(label="Bedrag (euro)", required=False)

    def clean(self):
        data = super().clean()
        filled = [
            data.get("municipality") is not None,
            data.get("source") is not None,
            data.get("amount") is not None,
        ]
        if any(filled) and not all(filled):
            raise forms.ValidationError("Vul gemeente, bronbudget en bedrag alle drie in.")
        return data


ContributionFormSet = forms.formset_factory(ContributionForm, extra=ROWS, max_num=ROWS)


class FundForm(forms.Form):
    region = forms.ModelChoiceField(label="Regio", queryset=Region.objects.all())
    name = forms.CharField(label="Naam van het fonds", max_length=120)
    amount = MoneyField(
        label="Omvang (euro)",
        required=False,
        help_text="Ter controle: de bijdragen moeten hier precies op uitkomen.",
    )


def _require_manager(request: HttpRequest) -> None:
    if not policies.can_manage_budget(request.user):
        raise Http404


def _contributions(formset) -> list[sources.ContributionData]:
    return [
        sources.ContributionData(
            municipality=f.cleaned_data["municipality"],
            source=f.cleaned_data["source"],
            amount=f.cleaned_data["amount"],
            budget_line=f.cleaned_data.get("budget_line", ""),
        )
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("municipality")
    ]


def _formset_errors(formset, exc: ValidationError) -> None:
    """Contribution errors (a list) go to the top of the formset."""
    errors = getattr(exc, "error_dict", {}).get("contributions")
    if errors:
        formset._non_form_errors = formset.error_class([m for e in errors for m in e.messages])


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    if policies.budget_overview_scope(request.user) is None:
        raise Http404
    items = [
        {"fund": fund, "overview": sources.sources_overview(fund)}
        for fund in Fund.objects.select_related("proposed_by", "confirmed_by", "region")
    ]
    return render(
        request,
        "budget/funds.html",
        {"items": items, "can_manage": policies.can_manage_budget(request.user)},
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = FundForm(request.POST or None)
    formset = ContributionFormSet(request.POST or None, prefix="bijdrage")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            fund = sources.propose_fund(
                request.user,
                region=form.cleaned_data["region"],
                name=form.cleaned_data["name"],
                amount=form.cleaned_data["amount"] or None,
                contributions=_contributions(formset),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            _formset_errors(formset, exc)
        else:
            messages.success(
                request,
                f"Fonds '{fund.name}' is voorgesteld; een tweede lid van het programmateam "
                "bevestigt het.",
            )
            return redirect("budget:funds")
    return render(
        request,
        "budget/fund_form.html",
        {"form": form, "formset": formset, "title": "Fonds voorstellen"},
    )


@login_required
@require_POST
def fund_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    fund = get_object_or_404(Fund, pk=pk)
    try:
        sources.confirm_fund(request.user, fund)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Fonds '{fund.name}' is bevestigd en kan worden verdeeld.")
    return redirect("budget:funds")


@login_required
def fund_top_up(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    fund = get_object_or_404(Fund, pk=pk)
    formset = ContributionFormSet(request.POST or None, prefix="bijdrage")
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            sources.top_up(request.user, fund, _contributions(formset))
        except ValidationError as exc:
            _formset_errors(formset, exc)
            if not getattr(exc, "error_dict", {}).get("contributions"):
                error = exc.messages
        else:
            messages.success(request, f"Fonds '{fund.name}' is aangevuld en opnieuw verdeeld.")
            return redirect("budget:funds")
    return render(
        request,
        "budget/fund_form.html",
        {
            "formset": formset,
            "title": f"Fonds '{fund.name}' aanvullen",
            "fund": fund,
            "errors": error,
        },
    )
