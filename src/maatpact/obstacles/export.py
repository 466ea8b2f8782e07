"""The structural proposal as a document for the council (PDF via WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string

from maatpact.common import dates

from . import selectors
from .models import StructuralProposal


def proposal_html(proposal: StructuralProposal) -> str:
    """Pseudonymised: the cases appear as numbers and aggregates, never with names."""
    return render_to_string(
        "obstacles/proposal_pdf.html",
        {
            "proposal": proposal,
            "evidence": selectors.proposal_evidence(proposal),
            "by_municipality": selectors.evidence_by_municipality(proposal),
            "obstacles": selectors.proposal_obstacles(proposal),
            "today": dates.today(),
        },
    )


def proposal_pdf(proposal: StructuralProposal) -> bytes:
    from weasyprint import HTML

    return HTML(string=proposal_html(proposal)).write_pdf()
