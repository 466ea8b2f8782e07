"""Budget pages. Thin: policies decide access, services write, selectors read."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maatpact.accounts import policies
from maatpact.audit.services import Action, record
from maatpact.common.classification import seen
from maatpact.common.forms import apply_validation_error
from maatpact.common.refusals import refuse
from maatpact.regions.models import Municipality

from . import charts, selectors, services
from .allocation import compute_allocation
from .forms import (
    AllocationForm,
    DecisionForm,
    ReversalForm,
    ScenarioLineFormSet,
    SpendForm,
    TransferForm,
)
from .models import Spend, Transfer


def _lines_from(formset) -> list[services.ScenarioLineData]:
    lines = []
    for f in formset.forms:
        data = getattr(f, "cleaned_data", None) or {}
        if not (data.get("description") or "").strip():
            continue
        financier = data.get("financier")
        lines.append(
            services.ScenarioLineData(
                kind=data.get("kind") or "dreigend",
                description=data["description"],
                annual_cost=data.get("annual_cost") or Decimal("0.00"),
                avoided=bool(data.get("avoided")),
                financier_id=financier.pk if financier else None,
                provision_id=data.get("provision_id"),
            )
        )
    return lines


@login_required
def new_spend(request: HttpRequest, number: str) -> HttpResponse:
    """The coordinator's spend form: scenarios pre-filled from the provision register."""
    household = policies.get_full_household(request.user, number)
    if not policies.can_request_spend(request.user, household):
        refuse("Alleen de regisseur van dit huishouden vraagt een uitgave aan.")
    goals = list(selectors.household_goals(household))
    obstacles = list(selectors.household_obstacles(household))
    form = SpendForm(request.POST or None, goals=goals, obstacles=obstacles)
    prefill = selectors.current_provision_lines(household)
    initial = [
        {
            "provision_id": p.provision_id,
            "kind": "huidig",
            "description": p.description,
            "financier": p.financier_id,
            "annual_cost": p.annual_cost,
        }
        for p in prefill
    ]
    formset = ScenarioLineFormSet(request.POST or None, initial=initial, prefix="regel")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        obstacle = data.get("obstacle")
        try:
            spend, created = services.request_spend(
                request.user,
                household,
                services.SpendRequest(
                    amount=data["amount"],
                    category=data["category"],
                    purpose=data["purpose"],
                    goal_id=int(data["goal"]) if data.get("goal") else None,
                    obstacle_id=int(obstacle) if obstacle else None,
                    law_id=data["law"].pk if data.get("law") else None,
                    financier_id=data["financier"].pk if data.get("financier") else None,
                    justification=data["justification"],
                    value_legitimate=data["value_legitimate"],
                    value_involved=data["value_involved"],
                    value_return=data["value_return"],
                    idempotency_key=data["idempotency_key"],
                    lines=_lines_from(formset),
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise Http404 from exc
            apply_validation_error(form, exc)
        else:
            if not created:
                messages.info(
                    request, "Deze aanvraag was al verstuurd; er is niets dubbel geboekt."
                )
            elif spend.status == Spend.Status.GOEDGEKEURD:
                messages.success(request, "De uitgave is direct goedgekeurd.")
            else:
                messages.success(
                    request, "De aanvraag staat klaar voor de teamleider (boven de drempel)."
                )
            return redirect("budget:spend", pk=spend.pk)
    record(
        request.user, Action.VIEW, household, household_id=household.pk, detail="budgetformulier"
    )
    return render(
        request,
        "budget/spend_form.html",
        {
            "household": household,
            "form": form,
            "formset": formset,
            "allocation": selectors.allocation_for(household),
            "threshold": services.approval_threshold(),
            "has_goals": bool(goals),
        },
    )


def _visible_spend(request: HttpRequest, pk: int) -> Spend:
    return get_object_or_404(selectors.spends_for(request.user), pk=pk)


@login_required
def spend_detail(request: HttpRequest, pk: int) -> HttpResponse:
    spend = _visible_spend(request, pk)
    full = policies.has_full_access(request.user, spend.household)
    record(
        request.user,
        Action.VIEW,
        spend,
        household_id=spend.household_id,
        detail="uitgave" if full else "uitgave gepseudonimiseerd",
    )
    user = request.user
    return render(
        request,
        "budget/spend_detail.html",
        {
            # Free text (the rejection reason too) only with full access.
            "spend": seen(spend, full=full),
            "full": full,
            "scenarios": selectors.scenarios(spend),
            "entries": spend.entries.order_by("seq"),
            "can_decide": spend.status == Spend.Status.AANGEVRAAGD
            and policies.can_decide_spend(user, spend),
            "own_request": spend.requested_by_id == user.pk,
            "can_pay": spend.status == Spend.Status.GOEDGEKEURD
            and policies.can_mark_spend_paid(user, spend),
            "can_reverse": spend.status in (Spend.Status.GOEDGEKEURD, Spend.Status.BETAALD)
            and policies.can_reverse_spend(user, spend),
            "decision_form": DecisionForm(),
            "reversal_form": ReversalForm(initial={"amount": spend.net_amount}),
        },
    )


def _act(request: HttpRequest, pk: int, action, success: str, *args) -> HttpResponse:
    spend = _visible_spend(request, pk)
    try:
        action(request.user, spend, *args)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("budget:spend", pk=pk)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.approve_spend, "De uitgave is goedgekeurd.")


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.reject_spend,
        "De aanvraag is afgewezen.",
        request.POST.get("reason", ""),
    )


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.mark_paid, "De betaling is geregistreerd.")


@login_required
@require_POST
def reverse(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.reverse_spend,
        "De terugboeking is geboekt.",
        request.POST.get("amount", ""),
        request.POST.get("reason", ""),
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not policies.can_decide_spends(request.user):
        raise Http404
    spends = list(selectors.approval_inbox(request.user))
    return render(
        request,
        "budget/inbox.html",
        {"spends": spends, "threshold": services.approval_threshold()},
    )


def _overview_context(request: HttpRequest) -> dict:
    fund = selectors.current_fund(request.user)
    rows = list(selectors.allocations(request.user, fund))
    ids = [a.pk for a in rows]
    return {
        "fund": fund,
        "rows": rows,
        "totals": selectors.totals(rows),
        "ids": ids,
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Allocated, committed, spent, remaining; by category, by household, over time."""
    if policies.budget_overview_scope(request.user) is None:
        raise Http404
    context = _overview_context(request)
    ids = context["ids"]
    per_household = policies.can_see_budget_per_household(request.user)
    context.update(
        {
            "categories": selectors.by_category(context["fund"], ids) if ids else [],
            "households": selectors.by_household(ids) if ids and per_household else [],
            "per_household": per_household,
            "months": selectors.over_time(ids) if ids else [],
            "can_manage": policies.can_manage_budget(request.user),
            "can_export_rows": per_household,
        }
    )
    return render(request, "budget/overview.html", context)


@login_required
def chart(request: HttpRequest) -> HttpResponse:
    if policies.budget_overview_scope(request.user) is None:
        raise Http404
    context = _overview_context(request)
    png = charts.over_time_png(selectors.over_time(context["ids"]), context["totals"].allocated)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """CSV or Excel without personal data: spends per household number, or totals only."""
    if policies.budget_overview_scope(request.user) is None or fmt not in ("csv", "xlsx"):
        raise Http404
    fund = selectors.current_fund(request.user)
    if (
        policies.can_see_budget_per_household(request.user)
        and request.GET.get("soort") != "totalen"
    ):
        header, rows, name = (
            selectors.EXPORT_HEADER,
            selectors.export_rows(request.user, fund),
            "uitgaven",
        )
    else:
        header, rows, name = (
            selectors.AGGREGATE_HEADER,
            selectors.aggregate_rows(request.user, fund),
            "totalen",
        )
    record(request.user, Action.EXPORT, ("budget.spend", ""), detail=f"export {name} {fmt}")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [
                    "" if v is None else str(v).replace(".", ",") if isinstance(v, Decimal) else v
                    for v in row
                ]
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="budget-{name}.{fmt}"'
    return response


@login_required
def allocate(request: HttpRequest) -> HttpResponse:
    """The regional team chooses a formula, sees the preview, and applies it."""
    if not policies.can_manage_budget(request.user):
        raise Http404
    fund = selectors.current_fund(request.user)
    if fund is None:
        raise Http404
    municipalities = list(Municipality.objects.filter(region_id=fund.region_id).order_by("name"))
    form = AllocationForm(request.POST or None, municipalities=municipalities)
    preview = None
    if request.method == "POST" and form.is_valid():
        formula = form.cleaned_data["formula"]
        try:
            if "toepassen" in request.POST:
                services.apply_allocation(request.user, fund, formula, form.manual())
                messages.success(request, "De verdeling is toegepast en geboekt.")
                return redirect("budget:overview")
            targets = compute_allocation(fund.amount, formula, municipalities, form.manual())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            current = {a.municipality_id: a for a in fund.allocations.all()}
            preview = [
                {
                    "municipality": m,
                    "current": current[m.pk].allocated if m.pk in current else None,
                    "target": targets[m.pk],
                }
                for m in municipalities
            ]
    return render(
        request,
        "budget/allocate.html",
        {
            "fund": fund,
            "form": form,
            "preview": preview,
            "rows": list(selectors.allocations(request.user, fund)),
        },
    )


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_budget(request.user):
        raise Http404
    fund = selectors.current_fund(request.user)
    if fund is None:
        raise Http404
    form = TransferForm(request.POST or None, fund=fund)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer(
                request.user, data["source"], data["target"], data["amount"], data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het bedrag is overgeheveld.")
            return redirect("budget:transfer")
    recent = Transfer.objects.filter(source__fund=fund).select_related(
        "source__municipality", "target__municipality", "actor"
    )[:50]
    return render(request, "budget/transfer.html", {"fund": fund, "form": form, "recent": recent})
