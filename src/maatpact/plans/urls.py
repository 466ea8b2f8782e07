from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("huishoudens/<str:number>/plan/", views.detail, name="detail"),
    path("huishoudens/<str:number>/plan/bewerken/", views.edit, name="edit"),
    path("huishoudens/<str:number>/plan/doelen/nieuw/", views.goal_form, name="goal_new"),
    path("huishoudens/<str:number>/plan/doelen/<int:pk>/", views.goal_form, name="goal_edit"),
    path("huishoudens/<str:number>/plan/acties/nieuw/", views.action_form, name="action_new"),
    path("huishoudens/<str:number>/plan/acties/<int:pk>/", views.action_form, name="action_edit"),
    path("huishoudens/<str:number>/plan/geschiedenis/", views.history, name="history"),
    path("huishoudens/<str:number>/plan/plan.pdf", views.pdf, name="pdf"),
]
