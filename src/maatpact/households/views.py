"""Household pages. Thin: policies decide access, services write, selectors read."""

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
from maatpact.accounts.models import Role
from maatpact.audit.services import Action, record, record_many
from maatpact.common.classification import seen
from maatpact.common.confirm import ask_confirmation, confirmed
from maatpact.common.forms import apply_validation_error
from maatpact.common.refusals import refuse
from maatpact.common.registry import panels

from . import selectors, services
from .forms import (
    HandoverForm,
    IntakeForm,
    MemberForm,
    ProcessingBasisForm,
    StatusForm,
    member_formset,
)
from .models import Household, ProcessingBasis

# The ``detail`` of the read records of the two lists (pseudonymised: numbers only).
OVERVIEW = "gemeente-overzicht"
REGION = "regiolijst gepseudonimiseerd"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = request.user.role
    if role == Role.REGISSEUR:
        return redirect("households:worklist")
    if role == Role.TEAMLEIDER:
        return redirect("households:overview")
    if role in (Role.PROGRAMMATEAM, Role.ANALIST, Role.FINANCIER):
        return redirect("reports:dashboard")
    if role == Role.BEHEERDER:
        return redirect("admin:index")
    return render(request, "households/start.html")


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.TEAMLEIDER:
        # A team lead's caseload is the whole municipality: the paginated overview.
        return redirect("households:overview")
    if request.user.role != Role.REGISSEUR:
        raise Http404
    households = selectors.worklist_households(request.user)
    record_many(
        request.user,
        Action.VIEW,
        "households.household",
        [h.pk for h in households],
        detail="werklijst",
    )
    return render(
        request,
        "households/worklist.html",
        {
            "households": households,
            "items": selectors.worklist_items(request.user),
        },
    )


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    household, full = policies.get_visible_household(request.user, number)
    record(
        request.user,
        Action.VIEW,
        household,
        household_id=household.pk,
        detail="volledig" if full else "gepseudonimiseerd",
    )
    context = {"household": household, "full": full, "panels": []}
    special = policies.has_special_access(request.user, household, full=full)
    for panel in panels():
        if (panel.personal and not full) or (panel.special and not special):
            continue
        panel_context = panel.context(request, household, full)
        if panel_context is not None:
            context["panels"].append(
                {"template": panel.template, "key": panel.key, **panel_context}
            )
    context["can_hand_over"] = policies.can_hand_over(request.user, household)
    context["can_change_status"] = full and policies.can_change_status(
        request.user, household, full=full
    )
    if context["can_change_status"]:
        status_form = StatusForm()
        if request.user.role != Role.TEAMLEIDER:
            del status_form.fields["override_reason"]  # only a team lead may override
        context["status_form"] = status_form
    # The page itself sees only what the classification lets a pseudonymised view show.
    context["household"] = seen(household, full=full)
    return render(request, "households/detail.html", context)


RESIZE = "aantal"  # name of the "Pas aantal aan" button inside the intake form


def _typed(data, fields, prefix: str = "") -> dict[str, str]:
    """The values typed for ``fields`` (non-empty only), to show them again unvalidated."""
    return {name: data[prefix + name] for name in fields if data.get(prefix + name)}


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """Without JavaScript, the number of member rows is a select with its own button
    inside the intake form ("Pas aantal aan", or ``?leden=N``): pressing it shows the form
    again with that many rows and everything already typed, and saves nothing."""
    if not policies.can_register_household(request.user):
        raise Http404
    resizing = request.method == "POST" and RESIZE in request.POST
    source = request.POST if resizing else request.GET
    rows = source.get("leden", "2")
    rows = min(max(int(rows), 1), 12) if rows.isdigit() else 2
    if resizing:  # show what was typed, without validating it yet
        form = IntakeForm(initial=_typed(request.POST, IntakeForm.base_fields), user=request.user)
        typed_rows = [
            _typed(request.POST, MemberForm.base_fields, prefix=f"lid-{i}-") for i in range(rows)
        ]
        formset = member_formset(rows)(prefix="lid", initial=[r for r in typed_rows if r])
        formset.extra = max(rows - max(len(formset.initial), 1), 0)
    else:
        form = IntakeForm(request.POST or None, user=request.user)
        formset = member_formset(rows)(request.POST or None, prefix="lid")
    if request.method == "POST" and not resizing and form.is_valid() and formset.is_valid():
        members = [services.MemberData(**f.cleaned_data) for f in formset.forms if f.cleaned_data]
        try:
            household = services.register_household(
                request.user, members=members, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Huishouden {household.number} is aangemeld.")
            return redirect("households:detail", number=household.number)
    return render(
        request,
        "households/intake.html",
        {"form": form, "formset": formset, "rows": rows, "row_choices": range(1, 13)},
    )


@login_required
@require_POST
def change_status(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    form = StatusForm(request.POST)
    closing = form.is_valid() and form.cleaned_data["status"] == Household.Status.AFGESLOTEN
    if closing and policies.can_change_status(request.user, household) and not confirmed(request):
        return ask_confirmation(
            request,
            title=f"Huishouden {household.number} afsluiten?",
            consequences=[
                "Het traject stopt: het huishouden verdwijnt van de werklijst en de "
                "regisseur kan het plan niet meer wijzigen.",
                "Afsluiten is de laatste stap van de status; terugzetten kan niet.",
            ],
            summary=[("Reden", form.cleaned_data["reason"])],
            confirm_label="Ja, afsluiten",
            cancel_url=reverse("households:detail", args=[number]),
        )
    if form.is_valid():
        try:
            services.change_status(
                request.user,
                household,
                form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                cohort=form.cleaned_data["cohort"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "De status is gewijzigd.")
    else:
        messages.error(request, "Kies een geldige status.")
    return redirect("households:detail", number=number)


@login_required
def handover(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    if not policies.can_hand_over(request.user, household):
        refuse("Alleen een teamleider van deze gemeente kan de regie overdragen.")
    form = HandoverForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_over(
                request.user,
                household,
                form.cleaned_data["coordinator"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De regie is overgedragen.")
            return redirect("households:detail", number=number)
    return render(
        request,
        "households/handover.html",
        {
            "household": household,
            "form": form,
            "current": selectors.current_coordinator(household),
            "history": selectors.household_assignments(household),
        },
    )


@login_required
def add_basis(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    form = ProcessingBasisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_processing_basis(request.user, household, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De grondslag is vastgelegd.")
            return redirect("households:detail", number=number)
    return render(request, "households/basis_form.html", {"household": household, "form": form})


@login_required
@require_POST
def withdraw_basis(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    basis = get_object_or_404(ProcessingBasis, pk=pk, household=household)
    if basis.withdrawn_on is None and not confirmed(request):
        return ask_confirmation(
            request,
            title=f"Grondslag intrekken voor {basis.partner}?",
            consequences=[
                f"{basis.partner} krijgt vanaf nu geen gegevens van {household.number} meer "
                f"voor: {basis.purpose}.",
                "Delen stopt direct; opnieuw delen kan alleen met een nieuwe grondslag.",
            ],
            confirm_label="Ja, intrekken",
            cancel_url=reverse("households:detail", args=[number]),
        )
    try:
        services.withdraw_basis(request.user, basis)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "De toestemming is ingetrokken; delen stopt direct.")
    return redirect("households:detail", number=number)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_municipality_overview(request.user):
        raise Http404
    status = request.GET.get("status", "")
    if status not in Household.Status.values:
        status = ""
    page = Paginator(selectors.overview_households(request.user, status=status), 50).get_page(
        request.GET.get("pagina")
    )
    items = selectors.worklist_items(request.user)
    # Every household the page names is a read: the listed ones and those of the items.
    listed = {h.pk for h in page} | selectors.household_ids_of_items(items)
    record_many(request.user, Action.VIEW, "households.household", listed, detail=OVERVIEW)
    return render(
        request,
        "households/overview.html",
        {
            "summary": selectors.municipality_overview(request.user),
            "items": items,
            "page": page,
            "status": status,
            "statuses": Household.Status.choices,
        },
    )


@login_required
def region(request: HttpRequest) -> HttpResponse:
    """The regional team's pseudonymised list: numbers, municipality, status, cohort."""
    if not policies.can_see_region_list(request.user):
        raise Http404
    qs = policies.visible_households(request.user).select_related("municipality", "cohort")
    municipality = request.GET.get("gemeente", "")
    if municipality.isdigit():
        qs = qs.filter(municipality_id=int(municipality))
    page = Paginator(qs.order_by("number"), 50).get_page(request.GET.get("pagina"))
    record_many(
        request.user, Action.VIEW, "households.household", [h.pk for h in page], detail=REGION
    )
    return render(request, "households/region.html", {"page": page})
