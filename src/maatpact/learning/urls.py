from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("huishoudens/<str:number>/reflecties/nieuw/", views.reflection_new, name="reflect"),
    path("reflecties/<int:pk>/wijzigen/", views.reflection_edit, name="reflection_edit"),
    path("leren/lessen/", views.lessons, name="lessons"),
    path("leren/bijeenkomsten/", views.sessions, name="sessions"),
    path("leren/bijeenkomsten/nieuw/", views.session_new, name="session_new"),
    path("leren/bijeenkomsten/<int:pk>/", views.session_detail, name="session"),
    path("leren/wijzigingen/", views.changes, name="changes"),
]
