from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path(
        "huishoudens/<str:number>/gebeurtenissen/nieuw/",
        views.event_create,
        name="event_create",
    ),
    path("resultaten/", views.outcome_list, name="list"),
    path("resultaten/definities/", views.definitions, name="definitions"),
    path("resultaten/<int:pk>/", views.outcome_detail, name="detail"),
    path("sib/", views.contract_list, name="contracts"),
    path("sib/nieuw/", views.contract_new, name="contract_new"),
    path("sib/<int:pk>/", views.contract_detail, name="contract"),
    path("sib/<int:pk>/wijzigen/", views.contract_edit, name="contract_edit"),
    path("sib/<int:pk>/tekenen/", views.contract_sign, name="contract_sign"),
    path("sib/<int:pk>/afrekening.xlsx", views.contract_xlsx, name="contract_xlsx"),
    path("sib/<int:pk>/afrekening.pdf", views.contract_pdf, name="contract_pdf"),
    path("sib/<int:pk>/perioden/", views.period_add, name="period_add"),
    path("sib/<int:pk>/perioden/<int:period_pk>/betalen/", views.period_pay, name="period_pay"),
    path("sib/<int:pk>/tarieven/", views.rate_add, name="rate_add"),
    path("sib/<int:pk>/plafonds/", views.caps_set, name="caps_edit"),
    path("sib/<int:pk>/projectie/", views.contract_projection, name="projection"),
    path("besparingen/", views.savings_page, name="savings"),
]
