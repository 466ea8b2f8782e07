from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from maatpact.accounts import oidc
from maatpact.common import views as common_views
from maatpact.households import views as household_views

urlpatterns = [
    path("", household_views.home, name="home"),
    path("healthz", common_views.health, name="health"),
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/start/", oidc.StartView.as_view(), name="oidc_start"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("maatpact.api.urls")),
    path("", include("maatpact.reports.urls")),
    path("", include("maatpact.budget.urls")),
    path("", include("maatpact.outcomes.urls")),
    path("", include("maatpact.security.urls")),
    path("", include("maatpact.programme.urls")),
    path("", include("maatpact.households.urls")),
    path("", include("maatpact.assessments.urls")),
    path("", include("maatpact.plans.urls")),
    path("", include("maatpact.provisions.urls")),
    path("", include("maatpact.obstacles.urls")),
    path("", include("maatpact.learning.urls")),
]

# A lost database connection outside a view still gets the Dutch 503 page.
handler500 = "maatpact.security.views.server_error"
