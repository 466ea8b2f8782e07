from django.urls import path

from . import fund_views, views

app_name = "budget"

urlpatterns = [
    path("budget/", views.overview, name="overview"),
    path("budget/fonds/", fund_views.funds, name="funds"),
    path("budget/fonds/nieuw/", fund_views.fund_new, name="fund_new"),
    path("budget/fonds/<int:pk>/bevestigen/", fund_views.fund_confirm, name="fund_confirm"),
    path("budget/fonds/<int:pk>/aanvullen/", fund_views.fund_top_up, name="fund_top_up"),
    path("budget/grafiek.png", views.chart, name="chart"),
    path("budget/export.<str:fmt>", views.export, name="export"),
    path("budget/goedkeuren/", views.inbox, name="inbox"),
    path("budget/verdelen/", views.allocate, name="allocate"),
    path("budget/overhevelen/", views.transfer, name="transfer"),
    path("budget/uitgaven/<int:pk>/", views.spend_detail, name="spend"),
    path("budget/uitgaven/<int:pk>/goedkeuren/", views.approve, name="approve"),
    path("budget/uitgaven/<int:pk>/afwijzen/", views.reject, name="reject"),
    path("budget/uitgaven/<int:pk>/betaald/", views.pay, name="pay"),
    path("budget/uitgaven/<int:pk>/terugboeken/", views.reverse, name="reverse"),
    path("huishoudens/<str:number>/budget/nieuw/", views.new_spend, name="new_spend"),
]
