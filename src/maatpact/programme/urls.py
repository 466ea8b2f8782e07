from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("programma/", views.overview, name="overview"),
    path("programma/nieuw/", views.programme_new, name="programme_new"),
    path("programma/<int:pk>/fase/nieuw/", views.phase_new, name="phase_new"),
    path("programma/fase/<int:pk>/wijzigen/", views.phase_edit, name="phase_edit"),
    path("programma/fase/<int:pk>/afsluiten/", views.phase_close, name="phase_close"),
    path("programma/fase/<int:pk>/besluit/", views.phase_document, name="phase_document"),
    path("programma/cohorten/nieuw/", views.cohort_new, name="cohort_new"),
    path("programma/cohorten/<int:pk>/wijzigen/", views.cohort_edit, name="cohort_edit"),
    path("huishoudens/inlezen/", views.intake_import_page, name="intake_import"),
    path(
        "huishoudens/inlezen/sjabloon.xlsx",
        views.intake_import_template,
        name="intake_import_template",
    ),
    path("huishoudens/<str:number>/screening/", views.screen, name="screen"),
]
