from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("huishoudens/<str:number>/metingen/", views.overview, name="overview"),
    path("huishoudens/<str:number>/metingen/nieuw/", views.new, name="new"),
    path("huishoudens/<str:number>/metingen/grafiek/<str:key>.png", views.chart, name="chart"),
]
