"""System checks for the login lockout: the two locks ``LockoutHandler`` relies on."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

EXPECTED = [["username", "ip_address"], "username"]


@register()
def lockout_parameters(app_configs, **kwargs):
    """``LockoutHandler`` reads the pair's count first and the username's second."""
    if getattr(settings, "AXES_HANDLER", "") != "maatpact.accounts.lockout.LockoutHandler":
        return []
    if settings.AXES_LOCKOUT_PARAMETERS != EXPECTED:
        return [
            Error(
                "AXES_LOCKOUT_PARAMETERS moet [['username', 'ip_address'], 'username'] zijn: "
                "de vergrendeling per gebruikersnaam en adres en die per gebruikersnaam.",
                hint="Zie maatpact.accounts.lockout en docs/security.md (Lockout).",
                id="maatpact.accounts.E001",
            )
        ]
    return []
