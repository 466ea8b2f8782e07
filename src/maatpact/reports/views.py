"""Report, PDF, chart, dashboard and export pages. Thin: policies decide, selectors compute."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.audit.services import Action, record

from . import charts
from .context import ReportContext, build_context
from .dashboards import build_dashboard
from .exports import run_export
from .forms import ExportForm, ReportForm
from .selectors import build_report, section_for


def _context_from(request: HttpRequest) -> tuple[ReportForm, ReportContext | None]:
    if policies.report_audience(request.user) is None:
        raise Http404
    form = ReportForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    date_from, date_to, municipality = form.period()
    try:
        return form, build_context(request.user, date_from, date_to, municipality)
    except PermissionError as exc:
        raise Http404 from exc


def _audit(request: HttpRequest, ctx: ReportContext, what: str) -> None:
    """Reports hold aggregates only: one global record per request (no household chain)."""
    record(
        request.user,
        Action.VIEW,
        ("reports.interim", ctx.municipality.cbs_code if ctx.municipality else "regio"),
        detail=f"{what} {ctx.date_from.isoformat()}..{ctx.date_to.isoformat()}",
    )


@login_required
def interim(request: HttpRequest) -> HttpResponse:
    form, ctx = _context_from(request)
    report = None
    if ctx is not None:
        report = build_report(ctx)
        _audit(request, ctx, "rapportage")
    query = request.GET.urlencode() if ctx is not None and form.is_bound else ""
    if report is not None:
        for rs in report.sections:
            for c in rs.result.charts:
                url = reverse("reports:chart", args=[rs.section.key, c.key])
                c.src = f"{url}?{query}" if query else url
    return render(
        request,
        "reports/interim.html",
        {"form": form, "report": report, "ctx": ctx, "query": query},
        status=200 if ctx is not None else 400,
    )


@login_required
def interim_pdf(request: HttpRequest) -> HttpResponse:
    form, ctx = _context_from(request)
    if ctx is None:
        return render(request, "reports/interim.html", {"form": form, "report": None}, status=400)
    pdf = render_pdf(ctx)
    _audit(request, ctx, "rapportage pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    scope = ctx.municipality.cbs_code if ctx.municipality else "regio"
    response["Content-Disposition"] = (
        f'attachment; filename="tussentijdse-rapportage-{scope}-{ctx.date_to.isoformat()}.pdf"'
    )
    return response


def render_pdf(ctx: ReportContext) -> bytes:
    """The report as PDF (WeasyPrint), charts embedded as PNG data URIs."""
    from weasyprint import HTML

    report = build_report(ctx)
    for rs in report.sections:
        for c in rs.result.charts:
            c.src = charts.data_uri(charts.render_png(c, rs.result))
    html = render_to_string(
        "reports/interim_pdf.html", {"report": report, "ctx": ctx, "generated": timezone.now()}
    )
    return HTML(string=html).write_pdf()


@login_required
def chart(request: HttpRequest, section: str, key: str) -> HttpResponse:
    form, ctx = _context_from(request)
    if ctx is None:
        raise Http404
    result = section_for(ctx, section)
    found = next((c for c in result.charts if c.key == key), None) if result else None
    if found is None:
        raise Http404
    response = HttpResponse(charts.render_png(found, result), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_dashboard(request.user):
        raise Http404
    return render(request, "reports/dashboard.html", {"tiles": build_dashboard(request.user)})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    if not policies.can_export(request.user):
        raise Http404
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = run_export(request.user, form.cleaned_data["gegevens"], form.cleaned_data["soort"])
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
    if request.method == "POST":
        messages.error(request, "De export is niet gemaakt; verbeter de fouten hieronder.")
    return render(
        request,
        "reports/export.html",
        {"form": form, "action": reverse("reports:export")},
        status=400 if form.is_bound else 200,
    )
