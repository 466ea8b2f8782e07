"""What the security app adds to shared pages: the privacy panel on the household page."""

from __future__ import annotations

from maatpact.accounts.models import Role
from maatpact.common.registry import HouseholdPanel, register_panel


def _privacy(request, household, full):
    # Same rule as policies.can_request_subject_access, without a query: the panel is
    # personal (only rendered with full access), so the role decides.
    if not full or request.user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return None
    return {}


register_panel(HouseholdPanel("privacy", 99, "security/panels/privacy.html", _privacy))
