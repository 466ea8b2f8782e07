"""Learning pages: reflections per case, sessions, lessons by theme, the change log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from maatpact.accounts import policies
from maatpact.audit.services import Action, record
from maatpact.common.forms import apply_validation_error
from maatpact.common.refusals import refuse

from . import selectors, services
from .forms import ChangeForm, LessonForm, ReflectionForm, SessionForm


@login_required
def reflection_new(request: HttpRequest, number: str) -> HttpResponse:
    household = policies.get_full_household(request.user, number)
    if not policies.can_write_reflection(request.user, household):
        refuse("Alleen de regisseur van dit huishouden schrijft hier een reflectie.")
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_reflection(request.user, household, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Uw reflectie is opgeslagen.")
            return redirect("households:detail", number=number)
    return render(request, "learning/reflection_form.html", {"form": form, "household": household})


@login_required
def reflection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = selectors.get_own_reflection(request.user, pk)
    form = ReflectionForm(request.POST or None, instance=reflection)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_reflection(request.user, reflection, **form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Uw reflectie is bijgewerkt.")
            return redirect("households:detail", number=reflection.household.number)
    record(
        request.user,
        Action.VIEW,
        reflection,
        household_id=reflection.household_id,
        detail="reflectie",
    )
    return render(
        request,
        "learning/reflection_form.html",
        {"form": form, "household": reflection.household, "reflection": reflection},
    )


@login_required
def lessons(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_learning(request.user):
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    theme = request.GET.get("thema", "")
    page = Paginator(selectors.search_lessons(q, theme), 30).get_page(request.GET.get("pagina"))
    return render(
        request,
        "learning/lessons.html",
        {
            "page": page,
            "q": q,
            "theme": theme,
            "themes": selectors.themes_with_counts(),
            "can_manage": policies.can_manage_sessions(request.user),
        },
    )


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_learning(request.user):
        raise Http404
    page = Paginator(selectors.sessions(request.user), 30).get_page(request.GET.get("pagina"))
    return render(
        request,
        "learning/sessions.html",
        {"page": page, "can_manage": policies.can_manage_sessions(request.user)},
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session(request.user, pk)
    can_manage = policies.can_manage_sessions(request.user)
    form = LessonForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.add_lesson(request.user, session=session, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "De les is vastgelegd.")
                return redirect("learning:session", pk=pk)
    households = list(session.households.all())
    shown = policies.visible_household_ids(request.user, [h.pk for h in households])
    return render(
        request,
        "learning/session_detail.html",
        {
            "session": session,
            "form": form,
            # Numbers only of the households the user may open; the rest as a count.
            "shown_households": [h for h in households if h.pk in shown],
            "other_households": sum(1 for h in households if h.pk not in shown),
        },
    )


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_sessions(request.user):
        raise Http404
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_session(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "De bijeenkomst is vastgelegd. Voeg nu de lessen toe.")
            return redirect("learning:session", pk=session.pk)
    return render(request, "learning/session_form.html", {"form": form})


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_learning(request.user):
        raise Http404
    can_manage = policies.can_manage_sessions(request.user)
    form = ChangeForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.log_change(request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "De wijziging in de aanpak is vastgelegd.")
                return redirect("learning:changes")
    return render(request, "learning/changes.html", {"changes": selectors.changes(), "form": form})
