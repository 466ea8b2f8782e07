from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("tweestaps/instellen/", views.totp_setup, name="totp_setup"),
    path("tweestaps/qr.svg", views.totp_qr, name="totp_qr"),
    path("tweestaps/controleren/", views.totp_verify, name="totp_verify"),
    path("huishoudens/<str:number>/inzage/", views.subject_access, name="inzage"),
]
