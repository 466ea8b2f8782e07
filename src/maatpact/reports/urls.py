from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("rapportage/", views.interim, name="interim"),
    path("rapportage/pdf/", views.interim_pdf, name="interim_pdf"),
    path("rapportage/grafiek/<slug:section>/<slug:key>.png", views.chart, name="chart"),
    path("export/", views.export, name="export"),
]
