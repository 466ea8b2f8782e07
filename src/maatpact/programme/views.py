"""Programme pages: phases with reach against plan, cohorts, closing decisions, screening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from maatpact.accounts import policies
from maatpact.common.forms import apply_validation_error
from maatpact.households.models import Cohort, ProcessingBasis
from maatpact.regions.models import Organisation

from . import access, intake_import, partners, selectors, services
from .forms import (
    ClosePhaseForm,
    CohortForm,
    IntakeImportForm,
    PartnerForm,
    PhaseForm,
    ProgrammeForm,
    ScreenForm,
)
from .models import Phase, Programme


def _require_view(request: HttpRequest) -> None:
    if not access.can_view_programme(request.user):
        raise Http404


def _require_manage(request: HttpRequest) -> None:
    if not access.can_manage_programme(request.user):
        raise Http404


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    programmes = [
        {
            "programme": p,
            "reach": selectors.reach(p),
            "by_municipality": selectors.reach_by_municipality(p),
            "phases": list(selectors.phases(p)),
        }
        for p in selectors.programmes()
    ]
    return render(
        request,
        "programme/overview.html",
        {
            "programmes": programmes,
            "cohorts": Cohort.objects.select_related("region")
            .prefetch_related("municipalities")
            .order_by("starts_on", "name"),
            "can_manage": access.can_manage_programme(request.user),
        },
    )


def _form_page(request, form, title: str, *, multipart: bool = False, intro: str = ""):
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": title, "multipart": multipart, "intro": intro},
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_programme(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het programma is vastgelegd.")
            return redirect("programme:overview")
    return _form_page(request, form, "Programma vastleggen")


@login_required
def phase_new(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    programme = get_object_or_404(Programme, pk=pk)
    form = PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_phase(request.user, programme, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De fase is vastgelegd.")
            return redirect("programme:overview")
    return _form_page(request, form, f"Fase toevoegen aan {programme}")


@login_required
def phase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    phase = get_object_or_404(Phase.objects.select_related("programme"), pk=pk)
    if phase.is_closed:
        messages.error(request, "Deze fase is afgesloten; een besluit wordt niet meer gewijzigd.")
        return redirect("programme:overview")
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_phase(
                request.user, phase.programme, phase=Phase.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De fase is bijgewerkt.")
            return redirect("programme:overview")
    return _form_page(request, form, f"{phase} wijzigen")


@login_required
def phase_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    phase = get_object_or_404(Phase, pk=pk)
    if phase.is_closed:
        messages.error(request, "Deze fase is al afgesloten.")
        return redirect("programme:overview")
    form = ClosePhaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("document")
        try:
            services.close_phase(
                request.user,
                phase,
                **form.cleaned_data,
                document_name=upload.name if upload else "",
                document_type=upload.content_type if upload else "",
                document=upload.read() if upload else None,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{phase} is afgesloten; het besluit is vastgelegd.")
            return redirect("programme:overview")
    return _form_page(
        request,
        form,
        f"{phase} afsluiten",
        multipart=True,
        intro="Een afgesloten fase en haar besluit worden niet meer gewijzigd.",
    )


@login_required
def phase_document(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    phase = get_object_or_404(Phase, pk=pk, document__isnull=False)
    response = HttpResponse(bytes(phase.document), content_type=phase.document_type)
    # The name was typed by a person: let Django quote and encode it for the header.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=phase.document_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_cohort(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het cohort is vastgelegd.")
            return redirect("programme:overview")
    return _form_page(request, form, "Cohort toevoegen")


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    cohort = get_object_or_404(Cohort, pk=pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_cohort(
                request.user, cohort=Cohort.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Het cohort is bijgewerkt.")
            return redirect("programme:overview")
    return _form_page(request, form, f"Cohort {cohort} wijzigen")


@login_required
@require_POST
def screen(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    form = ScreenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Kies een bestaand cohort.")
        return redirect("households:detail", number=number)
    try:
        screening = services.screen(request.user, household, cohort=form.cleaned_data["cohort"])
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, f"Screening vastgelegd: {screening.get_result_display().lower()}.")
    return redirect("households:detail", number=number)


@login_required
def intake_import_page(request: HttpRequest) -> HttpResponse:
    """Back-dated intake from an Excel file; a dry run first, then the real import."""
    if not policies.can_register_household(request.user):
        raise Http404
    form = IntakeImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = intake_import.run_import(
                request.user, upload.read(), dry_run=form.cleaned_data["dry_run"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if report.ok and not report.dry_run:
                messages.success(
                    request, f"{report.imported} huishoudens zijn ingelezen met hun eigen data."
                )
    return render(
        request,
        "programme/intake_import.html",
        {"form": form, "report": report},
        status=400 if report is not None and not report.ok else 200,
    )


@login_required
def intake_import_template(request: HttpRequest) -> HttpResponse:
    if not policies.can_register_household(request.user):
        raise Http404
    response = HttpResponse(
        intake_import.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="maatpact-inlezen.xlsx"'
    return response


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "programme/partners.html",
        {
            "partners": Organisation.objects.exclude(kind=Organisation.Kind.GEMEENTE)
            .select_related("municipality")
            .order_by("kind", "name"),
            "purpose_labels": dict(ProcessingBasis.Purpose.choices),
            "can_manage": access.can_manage_programme(request.user),
        },
    )


def _partner_form(request: HttpRequest, partner: Organisation | None) -> HttpResponse:
    _require_manage(request)
    initial = None
    if partner is not None:
        initial = {
            "name": partner.name,
            "kind": partner.kind,
            "municipality": partner.municipality_id,
            "contact_name": partner.contact_name,
            "contact_email": partner.contact_email,
            "contact_phone": partner.contact_phone,
            "purposes": partner.purposes,
        }
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partners.save_partner(request.user, partner=partner, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De partner is opgeslagen.")
            return redirect("programme:partners")
    title = f"Partner {partner} wijzigen" if partner else "Partner toevoegen"
    return _form_page(request, form, title)


@login_required
def partner_new(request: HttpRequest) -> HttpResponse:
    return _partner_form(request, None)


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    return _partner_form(request, get_object_or_404(Organisation, pk=pk))
