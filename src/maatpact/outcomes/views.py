"""Pages for events, outcomes, verification, the SIB contract, projections and savings.

Thin: policies decide access, services write, selectors read.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maatpact.accounts import policies
from maatpact.audit.services import Action, record, record_many
from maatpact.common.classification import seen
from maatpact.common.forms import apply_validation_error
from maatpact.common.refusals import refuse

from . import authoring, export, projection, selectors, services
from .forms import (
    CapsForm,
    ContractHeadForm,
    DefinitionForm,
    EventForm,
    PeriodForm,
    ProjectionForm,
    RateLineForm,
    VerifyForm,
    contract_formsets,
    initial_rows,
    rows_from_formsets,
)
from .models import AchievedOutcome, Contract, OutcomeDefinition


@login_required
def event_create(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    if not policies.can_record_events(request.user, household):
        refuse("U mag voor dit huishouden geen gebeurtenis vastleggen.")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_event(request.user, household, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De gebeurtenis is vastgelegd.")
            return redirect("households:detail", number=number)
    record(request.user, Action.VIEW, household, household_id=household.pk, detail="gebeurtenis")
    return render(
        request,
        "outcomes/event_form.html",
        {
            "household": household,
            "form": form,
            "events": selectors.household_events(household),
        },
    )


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_outcome_list(request.user):
        raise Http404
    status = request.GET.get("status", AchievedOutcome.Status.TE_VERIFIEREN)
    if status not in AchievedOutcome.Status.values and status != "":
        status = AchievedOutcome.Status.TE_VERIFIEREN
    page = Paginator(selectors.outcome_list(request.user, status), 50).get_page(
        request.GET.get("pagina")
    )
    record_many(
        request.user,
        Action.VIEW,
        "outcomes.achievedoutcome",
        [o.household_id for o in page],
        detail="resultatenlijst",
    )
    return render(
        request,
        "outcomes/outcome_list.html",
        {"page": page, "status": status, "statuses": AchievedOutcome.Status.choices},
    )


@login_required
def outcome_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = selectors.get_outcome(request.user, pk)
    form = VerifyForm(request.POST or None)
    can_verify = policies.can_verify_outcomes(request.user)
    if request.method == "POST":
        if not can_verify:
            refuse("Alleen het programmateam verifieert resultaten.")
        if form.is_valid():
            try:
                services.verify_outcome(
                    request.user,
                    outcome,
                    approve=form.cleaned_data["decision"] == "verifieer",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "Uw oordeel is vastgelegd.")
                return redirect("outcomes:list")
    record(request.user, Action.VIEW, outcome, household_id=outcome.household_id, detail="bewijs")
    full = policies.has_full_access(request.user, outcome.household)
    return render(
        request,
        "outcomes/outcome_detail.html",
        {
            "outcome": seen(outcome, full=full),
            "form": form,
            "can_verify": can_verify and outcome.status == AchievedOutcome.Status.TE_VERIFIEREN,
            "own_evidence": request.user.pk in (outcome.recorded_by_ids or []),
        },
    )


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    if not (
        policies.can_view_outcome_list(request.user) or policies.can_view_savings(request.user)
    ):
        raise Http404
    can_manage = policies.can_manage_contracts(request.user)
    form = DefinitionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.save_definition(request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "De resultaatdefinitie is opgeslagen.")
                return redirect("outcomes:definitions")
    return render(
        request,
        "outcomes/definitions.html",
        {"definitions": OutcomeDefinition.objects.order_by("code"), "form": form},
    )


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = list(policies.visible_contracts(request.user).order_by("starts_on"))
    if not policies.can_view_contracts(request.user):
        raise Http404
    manage = policies.can_manage_contracts(request.user)
    return render(
        request, "outcomes/contract_list.html", {"contracts": contracts, "manage": manage}
    )


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract(request.user, pk)
    st = selectors.statement(request.user, contract)
    manage = policies.can_manage_contracts(request.user)
    context = {"contract": contract, "st": st, "manage": manage}
    if manage:
        context["period_form"] = PeriodForm()
        context["rate_form"] = RateLineForm(contract=contract)
        context["caps_form"] = CapsForm(
            contract=contract,
            initial={
                "cap_per_household": contract.cap_per_household,
                "cap_total": contract.cap_total,
                "max_return_rate": contract.max_return_rate,
            },
        )
        context["rate_card"] = contract.rate_card.select_related(
            "definition", "payer__organisation"
        )
    return render(request, "outcomes/contract_detail.html", context)


def _managed_contract(request: HttpRequest, pk: int):
    contract = selectors.get_contract(request.user, pk)
    if not policies.can_manage_contracts(request.user):
        refuse("Alleen het programmateam wijzigt een contract.")
    return contract


def _form_errors(request: HttpRequest, form, exc: ValidationError | None = None) -> None:
    if exc is not None:
        apply_validation_error(form, exc)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _contract_form(request: HttpRequest, contract: Contract | None) -> HttpResponse:
    """Create or change a contract on one page; the service checks the whole."""
    current = None if contract is None else authoring.contract_input(contract)
    if request.method == "POST":
        head = ContractHeadForm(request.POST)
        sets = contract_formsets(request.POST)
        if head.is_valid() and all(fs.is_valid() for fs in sets.values()):
            try:
                data = {**head.cleaned_data, **rows_from_formsets(sets)}
                if current is not None:
                    data["cohorts"] = current["cohorts"]
                saved = authoring.save_contract(request.user, data, contract)
            except ValidationError as exc:
                _form_errors(request, head, exc)
            else:
                messages.success(
                    request,
                    "Het contract is opgeslagen als concept; een tweede persoon van het "
                    "programmateam tekent het."
                    if saved.status == Contract.Status.CONCEPT
                    else "De nieuwe voorwaarden gelden als nieuwe contractversie.",
                )
                return redirect("outcomes:contract", pk=saved.pk)
        else:
            _form_errors(request, head)
            for key, fs in sets.items():
                for n, errors in enumerate(fs.errors, start=1):
                    for field, messages_ in errors.items():
                        for message in messages_:
                            messages.error(request, f"{key} regel {n}, {field}: {message}")
    else:
        head = ContractHeadForm(initial=current)
        sets = contract_formsets(initial=initial_rows(current) if current else None)
    return render(
        request,
        "outcomes/contract_form.html",
        {"contract": contract, "head": head, "sets": sets},
    )


@login_required
def contract_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _contract_export(request, pk, "xlsx")


@login_required
def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _contract_export(request, pk, "pdf")


def _contract_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Contract and statement for the financier's accounts, as far as the user may see."""
    contract = selectors.get_contract(request.user, pk)
    st = selectors.statement(request.user, contract)
    record(request.user, Action.EXPORT, contract, detail=f"contract en afrekening {fmt}")
    if fmt == "pdf":
        body, kind = export.statement_pdf(contract, st), "application/pdf"
    else:
        body = export.statement_xlsx(contract, st)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="contract-{contract.pk}.{fmt}"'
    return response


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_contracts(request.user):
        raise Http404  # not a page of this role (as other "new" pages)
    return _contract_form(request, None)


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _contract_form(request, _managed_contract(request, pk))


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _managed_contract(request, pk)
    try:
        authoring.sign_contract(request.user, contract)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Het contract is getekend; versie 1 staat vast.")
    return redirect("outcomes:contract", pk=pk)


@login_required
@require_POST
def period_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _managed_contract(request, pk)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            services.add_period(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(request, form, exc)
        else:
            messages.success(request, "De betaalperiode is toegevoegd.")
    else:
        _form_errors(request, form)
    return redirect("outcomes:contract", pk=pk)


@login_required
@require_POST
def period_pay(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    contract = _managed_contract(request, pk)
    period = get_object_or_404(contract.periods, pk=period_pk)
    try:
        services.pay_period(request.user, period)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"De periode '{period.name}' is betaald en staat nu vast.")
    return redirect("outcomes:contract", pk=pk)


@login_required
@require_POST
def rate_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _managed_contract(request, pk)
    form = RateLineForm(request.POST, contract=contract)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("savings_share_percent") is None:
            data["savings_share_percent"] = 100
        try:
            services.add_rate_line(request.user, contract, **data)
        except ValidationError as exc:
            _form_errors(request, form, exc)
        else:
            messages.success(request, "De tariefregel is toegevoegd.")
    else:
        _form_errors(request, form)
    return redirect("outcomes:contract", pk=pk)


@login_required
@require_POST
def caps_set(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _managed_contract(request, pk)
    form = CapsForm(request.POST, contract=contract)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_caps(
                request.user,
                contract,
                cap_per_household=data["cap_per_household"],
                cap_total=data["cap_total"],
                max_return_rate=data["max_return_rate"],
                payer_caps={p.pk: data[f"payer_{p.pk}"] for p in form.payers},
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "De plafonds zijn opgeslagen.")
    else:
        _form_errors(request, form)
    return redirect("outcomes:contract", pk=pk)


@login_required
def contract_projection(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract(request.user, pk)
    form = ProjectionForm(request.GET or None)
    households = runs = seed = None
    if form.is_bound and form.is_valid():
        households = form.cleaned_data["households"]
        runs = form.cleaned_data["runs"]
        seed = form.cleaned_data["seed"]
    data = selectors.projection_input(contract, households)
    started = time.perf_counter()
    result = projection.project(data, runs=runs or 10_000, seed=2019 if seed is None else seed)
    elapsed = time.perf_counter() - started
    names = dict(OutcomeDefinition.objects.values_list("code", "name"))
    return render(
        request,
        "outcomes/projection.html",
        {
            "contract": contract,
            "form": form,
            "data": data,
            "result": result,
            "elapsed_ms": round(elapsed * 1000),
            # each outcome by its name, never its code (issue 15)
            "rows": [
                (names.get(o.code, o.code), o, result.outcome_counts[o.code]) for o in data.outcomes
            ],
        },
    )


@login_required
def savings_page(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_savings(request.user):
        raise Http404
    report = selectors.savings_report()
    return render(request, "outcomes/savings.html", {"report": report})
