"""Obstacle, escalation, breakthrough, proposal and analysis pages. Thin: policies decide
access, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maatpact.accounts import policies
from maatpact.audit.services import Action, record, record_many
from maatpact.common import dates
from maatpact.common.classification import seen
from maatpact.common.confirm import ask_confirmation, confirmed
from maatpact.common.forms import apply_validation_error
from maatpact.common.refusals import refuse
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality

from . import charts, export, selectors, services
from .forms import (
    AdoptionDecisionForm,
    AnswerForm,
    BreakthroughForm,
    DecisionForm,
    EscalateForm,
    ObstacleForm,
    ProposalForm,
    ProposalStatusForm,
    SubmitToMunicipalityForm,
)
from .models import EscalationLevel, Obstacle, ProposalAdoption, StructuralProposal


def _filters(request: HttpRequest, get=None) -> dict:
    get = request.GET if get is None else get
    municipality = get.get("gemeente", "")
    return {
        "type": get.get("soort", "") if get.get("soort") in Obstacle.Type.values else "",
        "status": get.get("status", "") if get.get("status") in ("open", "doorbroken") else "",
        "level": get.get("niveau", ""),
        "municipality": int(municipality) if municipality.isdigit() else None,
        "law": get.get("wet", ""),
        "q": get.get("q", "").strip()[:100],
    }


def _audit_list(user, rows) -> None:
    """Log the reads of case content: one record per household shown in full."""
    record_many(
        user,
        Action.VIEW,
        "obstacles.obstacle",
        {o.household_id for o in rows if o.household_id and o.full},
        detail="knelpuntenlijst",
    )


@login_required
def obstacle_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_see_obstacle_lists(request.user):
        raise Http404
    filters = _filters(request)
    page = Paginator(selectors.obstacle_list(request.user, filters=filters), 50).get_page(
        request.GET.get("pagina")
    )
    page.object_list = selectors.mark_full(request.user, page.object_list)
    _audit_list(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "obstacles/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "types": Obstacle.Type.choices,
            "levels": selectors.levels(),
            "laws": Law.objects.all(),
            "municipalities": Municipality.objects.all(),
            "today": dates.today(),
            "can_raise": policies.can_raise_obstacle(request.user),
        },
    )


@login_required
def escalations(request: HttpRequest) -> HttpResponse:
    """Obstacles waiting for the user's role on the ladder, oldest deadline first."""
    if not policies.can_see_obstacle_lists(request.user):
        raise Http404
    qs = (
        policies.obstacles_on_my_level(request.user)
        .select_related(
            "household", "municipality", "current_level", "law", "organisation", "breakthrough"
        )
        .order_by("deadline", "raised_at", "pk")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    page.object_list = selectors.mark_full(request.user, page.object_list)
    _audit_list(request.user, page.object_list)
    return render(
        request,
        "obstacles/escalations.html",
        {"page": page, "today": dates.today()},
    )


@login_required
def raise_obstacle(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("huishouden") or request.POST.get("huishouden") or ""
    household = policies.get_full_household(request.user, number) if number else None
    if not policies.can_raise_obstacle(request.user, household):
        if household is None:
            raise Http404
        refuse("U mag voor dit huishouden geen knelpunt melden.")
    form = ObstacleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obstacle = services.raise_obstacle(
                request.user, services.ObstacleData(**form.cleaned_data), household=household
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"Knelpunt {obstacle.pk} is gemeld. Termijn op dit niveau: "
                f"{obstacle.deadline:%d-%m-%Y}.",
            )
            return redirect("obstacles:detail", pk=obstacle.pk)
    return render(request, "obstacles/raise.html", {"form": form, "household": household})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = selectors.get_obstacle(request.user, pk)
    if obstacle.household_id and obstacle.full:
        record(
            request.user,
            Action.VIEW,
            obstacle,
            household_id=obstacle.household_id,
            detail="knelpunt",
        )
    breakthrough = getattr(obstacle, "breakthrough", None)
    can_work = obstacle.full and policies.can_work_on_obstacle(request.user, obstacle)
    is_open = breakthrough is None
    next_level = selectors.next_level(obstacle.current_level) if is_open else None
    context = {
        "obstacle": obstacle,
        "steps": selectors.steps(obstacle),
        "breakthrough": seen(breakthrough, full=obstacle.full),
        "decision": seen(getattr(obstacle, "decision", None), full=obstacle.full),
        "linked": selectors.linked_spends(obstacle, request.user),
        "age": selectors.age_days(obstacle),
        "today": dates.today(),
        "can_work": can_work,
        "can_escalate": is_open
        and next_level is not None
        and policies.can_escalate(request.user, obstacle),
        "next_level": next_level,
        "at_top": is_open and obstacle.current_level is not None and next_level is None,
        "escalate_form": EscalateForm(),
        "answer_form": AnswerForm(),
        "referral": next(
            (s for s in reversed(selectors.steps(obstacle)) if s.level.external), None
        ),
    }
    return render(request, "obstacles/detail.html", context)


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalating by hand needs a reason and a confirmation: it moves the case to another
    desk with a deadline, which cannot be taken back."""
    obstacle = selectors.get_obstacle(request.user, pk)
    form = EscalateForm(request.POST)
    next_level = selectors.next_level(obstacle.current_level)
    if form.is_valid() and next_level is not None and not confirmed(request):
        return ask_confirmation(
            request,
            title=f"Escaleren naar {next_level.name}?",
            consequences=[
                "Het knelpunt gaat naar het volgende niveau van de escalatieladder, met een "
                "nieuwe termijn; terugzetten kan niet.",
                "Wie dat niveau behandelt, ziet het knelpunt en de reden op zijn werklijst.",
            ],
            summary=[
                ("Reden", form.cleaned_data["note"]),
                ("Kenmerk", form.cleaned_data["reference"]),
            ],
            confirm_label="Ja, escaleren",
            cancel_url=reverse("obstacles:detail", args=[pk]),
        )
    if form.is_valid():
        try:
            step = services.escalate(request.user, obstacle, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Het knelpunt is geëscaleerd naar: {step.level.name}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("obstacles:detail", pk=pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = selectors.get_obstacle(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.record_national_answer(request.user, obstacle, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Het antwoord is vastgelegd.")
    else:
        messages.error(request, "Vul het antwoord en de datum in.")
    return redirect("obstacles:detail", pk=pk)


def _workable(request: HttpRequest, pk: int) -> Obstacle:
    obstacle = selectors.get_obstacle(request.user, pk)
    if not obstacle.full or not policies.can_work_on_obstacle(request.user, obstacle):
        refuse("U mag dit knelpunt niet bijwerken.")
    return obstacle


@login_required
def breakthrough(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = _workable(request, pk)
    if hasattr(obstacle, "breakthrough"):
        messages.info(request, "Voor dit knelpunt is al een doorbraak vastgelegd.")
        return redirect("obstacles:detail", pk=pk)
    linked = selectors.linked_spends(obstacle, request.user)
    initial = {"level": obstacle.current_level_id}
    if linked:
        # The cost of the breakthrough is what the linked rule-free spends came to.
        initial["cost"] = linked.total
    form = BreakthroughForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_breakthrough(request.user, obstacle, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De doorbraak is vastgelegd.")
            return redirect("obstacles:detail", pk=pk)
    return render(
        request,
        "obstacles/breakthrough_form.html",
        {"form": form, "obstacle": obstacle, "linked": linked},
    )


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = _workable(request, pk)
    if hasattr(obstacle, "decision"):
        messages.info(request, "Voor dit knelpunt is al een maatwerkbesluit vastgelegd.")
        return redirect("obstacles:detail", pk=pk)
    form = DecisionForm(request.POST or None, initial={"decided_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(request.user, obstacle, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het maatwerkbesluit is vastgelegd.")
            return redirect("obstacles:detail", pk=pk)
    return render(request, "obstacles/decision_form.html", {"form": form, "obstacle": obstacle})


# --- Structural proposals -----------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_proposals(request.user):
        raise Http404
    return render(
        request,
        "obstacles/proposal_list.html",
        {
            "proposals": selectors.visible_proposals(request.user).order_by("-created_at"),
            "can_manage": policies.can_manage_proposals(request.user),
        },
    )


SEARCH = "zoeken"  # name of the search button inside the proposal form


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    """The search for obstacles is a button of the proposal form itself ("Zoeken"): it
    re-renders the form with everything typed and ticked, and saves nothing, so a search
    never loses typed text (issue 15)."""
    if not policies.can_manage_proposals(request.user):
        raise Http404
    searching = request.method == "POST" and SEARCH in request.POST
    filters = _filters(request, request.POST if searching else None)
    visible = policies.visible_obstacles(request.user)
    if searching:  # show what was typed, without validating it yet
        typed = {k: v for k, v in request.POST.items() if k in ProposalForm.base_fields}
        form = ProposalForm(initial=typed, obstacles=visible)
    else:
        form = ProposalForm(request.POST or None, obstacles=visible)
    if request.method == "POST" and not searching and form.is_valid():
        data = dict(form.cleaned_data)
        data["obstacle_ids"] = [o.pk for o in data.pop("obstacles")]
        try:
            proposal = services.create_proposal(request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het voorstel is opgeslagen als concept.")
            return redirect("obstacles:proposal", pk=proposal.pk)
    chosen = {int(v) for v in request.POST.getlist("obstacles") if v.isdigit()}
    candidates = list(selectors.obstacle_list(request.user, filters=filters)[:100])
    if chosen:
        known = {o.pk for o in candidates}
        candidates += list(
            visible.filter(pk__in=chosen - known).select_related(
                "household", "municipality", "law", "organisation"
            )
        )
    return render(
        request,
        "obstacles/proposal_form.html",
        {
            "form": form,
            "candidates": candidates,
            "chosen": chosen,
            "filters": filters,
            "types": Obstacle.Type.choices,
            "laws": Law.objects.all(),
            "municipalities": Municipality.objects.all(),
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, selectors.get_proposal(request.user, pk))


def _proposal_page(
    request: HttpRequest,
    proposal: StructuralProposal,
    *,
    submit_form: SubmitToMunicipalityForm | None = None,
    decision_forms: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The proposal page; a refused side form is shown again with what was typed."""
    can_manage = policies.can_manage_proposals(request.user)
    by_municipality = selectors.evidence_by_municipality(proposal)
    decision_forms = decision_forms or {}
    for row in by_municipality:
        adoption = row.adoption
        if can_manage and adoption and adoption.status == ProposalAdoption.Status.INGEDIEND:
            row.form = decision_forms.get(adoption.pk) or AdoptionDecisionForm(
                prefix=f"besluit-{adoption.pk}", initial={"decided_on": dates.today()}
            )
    return render(
        request,
        "obstacles/proposal_detail.html",
        {
            "proposal": proposal,
            "evidence": selectors.proposal_evidence(proposal),
            "by_municipality": by_municipality,
            "obstacles": selectors.mark_shown_numbers(
                request.user, selectors.proposal_obstacles(proposal)
            ),
            "can_manage": can_manage,
            "status_form": ProposalStatusForm(),
            "submit_form": submit_form or SubmitToMunicipalityForm(),
            "next_statuses": [
                StructuralProposal.Status(s)
                for s in sorted(services.PROPOSAL_TRANSITIONS[proposal.status])
            ],
        },
        status=status,
    )


@login_required
@require_POST
def proposal_status(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal(request.user, pk)
    if not policies.can_manage_proposals(request.user):
        refuse("Alleen het programmateam wijzigt de status van een voorstel.")
    form = ProposalStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_proposal_status(
                request.user, proposal, form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "De status van het voorstel is gewijzigd.")
    else:
        messages.error(request, "Kies een geldige status.")
    return redirect("obstacles:proposal", pk=pk)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the proposal before one more municipality's council."""
    proposal = selectors.get_proposal(request.user, pk)
    if not policies.can_manage_proposals(request.user):
        raise Http404
    form = SubmitToMunicipalityForm(request.POST)
    if form.is_valid():
        try:
            services.submit_to_municipality(
                request.user,
                proposal,
                form.cleaned_data["municipality"],
                ordinance=form.cleaned_data["ordinance"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Ingediend bij {form.cleaned_data['municipality'].name}.")
            return redirect("obstacles:proposal", pk=pk)
    return _proposal_page(request, proposal, submit_form=form, status=400)


@login_required
@require_POST
def adoption_decide(request: HttpRequest, pk: int, adoption_pk: int) -> HttpResponse:
    proposal = selectors.get_proposal(request.user, pk)
    if not policies.can_manage_proposals(request.user):
        raise Http404
    adoption = get_object_or_404(ProposalAdoption, pk=adoption_pk, proposal=proposal)
    form = AdoptionDecisionForm(request.POST, prefix=f"besluit-{adoption.pk}")
    if form.is_valid():
        try:
            services.decide_adoption(
                request.user,
                adoption,
                form.cleaned_data["status"],
                on=form.cleaned_data["decided_on"],
                article=form.cleaned_data["article"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, f"Het besluit van {adoption.municipality.name} is vastgelegd."
            )
            return redirect("obstacles:proposal", pk=pk)
    return _proposal_page(request, proposal, decision_forms={adoption.pk: form}, status=400)


@login_required
def proposal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal(request.user, pk)
    record(request.user, Action.EXPORT, proposal, detail="raadsdocument pdf")
    response = HttpResponse(export.proposal_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="voorstel-{proposal.pk}.pdf"'
    return response


# --- Analysis ----------------------------------------------------------------------


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_obstacle_analysis(request.user):
        raise Http404
    data = selectors.analysis(request.user)
    return render(request, "obstacles/analysis.html", {"a": data})


@login_required
def chart_per_month(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_obstacle_analysis(request.user):
        raise Http404
    rows = selectors.analysis_by_month(request.user)
    return HttpResponse(charts.per_month(rows), content_type="image/png")


@login_required
def chart_time_to_breakthrough(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_obstacle_analysis(request.user):
        raise Http404
    durations = selectors.breakthrough_durations(request.user)
    return HttpResponse(charts.time_to_breakthrough(durations), content_type="image/png")


@login_required
def ladder(request: HttpRequest) -> HttpResponse:
    """The escalation ladder as configured: levels, who handles them, deadlines."""
    return render(
        request, "obstacles/ladder.html", {"levels": EscalationLevel.objects.order_by("order")}
    )
