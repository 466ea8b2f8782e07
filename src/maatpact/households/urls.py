from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("mijn-huishoudens/", views.worklist, name="worklist"),
    path("gemeente/", views.overview, name="overview"),
    path("regio/huishoudens/", views.region, name="region"),
    path("huishoudens/nieuw/", views.intake, name="intake"),
    path("huishoudens/<str:number>/", views.detail, name="detail"),
    path("huishoudens/<str:number>/status/", views.change_status, name="status"),
    path("huishoudens/<str:number>/overdracht/", views.handover, name="handover"),
    path("huishoudens/<str:number>/grondslagen/nieuw/", views.add_basis, name="add_basis"),
    path(
        "huishoudens/<str:number>/grondslagen/<int:pk>/intrekken/",
        views.withdraw_basis,
        name="withdraw_basis",
    ),
]
