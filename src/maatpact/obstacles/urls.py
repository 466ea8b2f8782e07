from django.urls import path

from . import views

app_name = "obstacles"

urlpatterns = [
    path("knelpunten/", views.obstacle_list, name="list"),
    path("knelpunten/nieuw/", views.raise_obstacle, name="raise"),
    path("knelpunten/escalaties/", views.escalations, name="escalations"),
    path("knelpunten/ladder/", views.ladder, name="ladder"),
    path("knelpunten/analyse/", views.analysis, name="analysis"),
    path("knelpunten/analyse/per-maand.png", views.chart_per_month, name="chart_month"),
    path(
        "knelpunten/analyse/doorlooptijd.png",
        views.chart_time_to_breakthrough,
        name="chart_duration",
    ),
    path("knelpunten/<int:pk>/", views.detail, name="detail"),
    path("knelpunten/<int:pk>/escaleren/", views.escalate, name="escalate"),
    path("knelpunten/<int:pk>/antwoord/", views.answer, name="answer"),
    path("knelpunten/<int:pk>/doorbraak/", views.breakthrough, name="breakthrough"),
    path("knelpunten/<int:pk>/maatwerkbesluit/", views.decision, name="decision"),
    path("voorstellen/", views.proposal_list, name="proposals"),
    path("voorstellen/nieuw/", views.proposal_new, name="proposal_new"),
    path("voorstellen/<int:pk>/", views.proposal_detail, name="proposal"),
    path("voorstellen/<int:pk>/status/", views.proposal_status, name="proposal_status"),
    path("voorstellen/<int:pk>/indienen/", views.proposal_submit, name="proposal_submit"),
    path(
        "voorstellen/<int:pk>/gemeente/<int:adoption_pk>/besluit/",
        views.adoption_decide,
        name="adoption_decide",
    ),
    path("voorstellen/<int:pk>/raadsdocument.pdf", views.proposal_pdf, name="proposal_pdf"),
]
