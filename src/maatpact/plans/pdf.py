"""The plan as a printable PDF in plain language (B1), rendered with WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from maatpact.common import dates
from maatpact.households.models import Household
from maatpact.households.selectors import current_coordinator

from .models import Plan


def render_plan_pdf(household: Household, plan: Plan) -> bytes:
    members = list(household.members.order_by("date_of_birth"))
    applicant = next((m for m in members if m.role == "aanvrager"), members[0] if members else None)
    html = render_to_string(
        "plans/pdf.html",
        {
            "household": household,
            "plan": plan,
            "family_name": applicant.last_name if applicant else "",
            "coordinator": current_coordinator(household),
            "printed_on": dates.today(),
        },
    )
    return HTML(string=html).write_pdf()
