from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from maatpact.common.registry import nav_items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        from maatpact.accounts.oidc import oidc_enabled

        # The login page offers the identity provider when one is configured.
        return {"nav": [], "oidc_enabled": oidc_enabled()}
    items = []
    for item in nav_items(getattr(user, "role", None)):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "active": request.path == url})
    return {"nav": items}
