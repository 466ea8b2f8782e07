from django.urls import path

from . import views

app_name = "provisions"

urlpatterns = [
    path("huishoudens/<str:number>/voorzieningen/", views.register, name="register"),
    path("huishoudens/<str:number>/voorzieningen/tijdlijn.png", views.timeline, name="timeline"),
    path("huishoudens/<str:number>/voorzieningen/nieuw/", views.provision_form, name="new"),
    path("huishoudens/<str:number>/voorzieningen/<int:pk>/", views.provision_form, name="edit"),
    path("huishoudens/<str:number>/voorzieningen/<int:pk>/beeindigen/", views.end, name="end"),
]
