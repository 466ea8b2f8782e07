"""Plan pages. Thin: policies decide access, services write (versioned), selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from maatpact.accounts import policies
from maatpact.audit.services import Action as AuditAction
from maatpact.audit.services import record
from maatpact.common.forms import apply_validation_error

from . import selectors, services
from .forms import ActionForm, GoalForm, PlanForm
from .models import Action, Goal
from .pdf import render_plan_pdf


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    plan = selectors.plan_for(household)
    record(request.user, AuditAction.VIEW, plan, household_id=household.pk, detail="plan")
    return render(
        request,
        "plans/detail.html",
        {
            "household": household,
            "plan": plan,
            "can_edit": policies.can_work_on_case(request.user, household),
        },
    )


@login_required
def edit(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_case_household(request.user, number)
    plan = selectors.plan_for(household)
    form = PlanForm.for_plan(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(request.user, plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het plan is bijgewerkt.")
            return redirect("plans:detail", number=number)
    return render(
        request,
        "plans/form.html",
        {"household": household, "form": form, "title": "De vragen aan het huishouden"},
    )


@login_required
def goal_form(request: HttpRequest, number: str, pk: int | None = None) -> HttpResponse:
    household = policies.get_case_household(request.user, number)
    plan = selectors.plan_for(household)
    goal = get_object_or_404(Goal, pk=pk, plan=plan) if pk else None
    initial = (
        {"domain_code": goal.domain_code, "description": goal.description, "status": goal.status}
        if goal
        else {"domain_code": request.GET.get("leefgebied", "")}
    )
    form = GoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if goal:
                services.update_goal(request.user, goal, **form.cleaned_data)
            else:
                services.add_goal(request.user, plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het doel is opgeslagen.")
            return redirect("plans:detail", number=number)
    return render(
        request,
        "plans/form.html",
        {"household": household, "form": form, "title": "Doel wijzigen" if goal else "Nieuw doel"},
    )


@login_required
def action_form(request: HttpRequest, number: str, pk: int | None = None) -> HttpResponse:
    household = policies.get_case_household(request.user, number)
    plan = selectors.plan_for(household)
    action = get_object_or_404(Action, pk=pk, plan=plan) if pk else None
    if action:
        initial = {
            name: getattr(action, name)
            for name in ("what", "goal", "who_kind", "who", "organisation", "due_on", "status")
        }
    else:
        initial = {"goal": request.GET.get("doel") or None, "who_kind": Action.Who.REGISSEUR}
    form = ActionForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            if action:
                services.update_action(request.user, action, **form.cleaned_data)
            else:
                services.add_action(request.user, plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De actie is opgeslagen.")
            return redirect("plans:detail", number=number)
    return render(
        request,
        "plans/form.html",
        {
            "household": household,
            "form": form,
            "title": "Actie wijzigen" if action else "Nieuwe actie",
        },
    )


@login_required
def history(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    plan = selectors.plan_for(household)
    record(
        request.user, AuditAction.VIEW, plan, household_id=household.pk, detail="plangeschiedenis"
    )
    page = Paginator(selectors.plan_history(plan), 50).get_page(request.GET.get("pagina"))
    rows = selectors.readable_changes(page.object_list)
    return render(
        request, "plans/history.html", {"household": household, "page": page, "rows": rows}
    )


@login_required
def pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The plan in plain language (B1) for the household, as a printable PDF."""
    household = policies.get_full_household(request.user, number)
    plan = selectors.plan_for(household)
    record(request.user, AuditAction.EXPORT, plan, household_id=household.pk, detail="plan pdf")
    response = HttpResponse(render_plan_pdf(household, plan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{household.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
