from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from maatpact.security.tokens import obtain_token

from .routers import build_router

# The API documentation pages are third-party bundles (drf-spectacular-sidecar, served
# from our own origin). Swagger UI runs from same-origin files (the "split" view keeps
# its start-up script out of the page) but sets inline styles; Redoc also starts from
# an inline script and runs a blob: worker. Only these two views relax the policy, and
# only for style (Swagger) or style and script (Redoc); see docs/security.md.
_swagger_csp = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})
_redoc_csp = csp_update(
    {
        "script-src": [UNSAFE_INLINE, "blob:"],
        "style-src": [UNSAFE_INLINE],
        "img-src": ["data:"],
        "worker-src": [SELF, "blob:"],
    }
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        _swagger_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        _redoc_csp(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("token/", obtain_token, name="api-token"),
    path("", include(build_router().urls)),
]
