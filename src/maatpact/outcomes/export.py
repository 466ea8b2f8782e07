"""A contract and its statement for a financier's accounts: Excel and PDF.

Both are built from the same rows (``statement_rows``), which come from the statement the
user may read: a financier's export holds only its own organisation's lines and cash
flows, as its page does. Amounts are Decimal to the cent (Excel cells as numbers).
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.template.loader import render_to_string

from maatpact.common import dates

from . import authoring, selectors
from .models import Contract

LINE_COLUMNS = [
    "Organisatie",
    "Periode",
    "Van",
    "Tot en met",
    "Onderdeel",
    "Aantal",
    "Volgens tarief",
    "Deadweight",
    "Betaald",
    "Regel",
    "Drempel",
    "Deadweight-regel",
    "Contractversie",
    "Betaald op",
]
FLOW_COLUMNS = ["Investeerder", "Datum", "Soort", "Bedrag"]


def terms_rows(contract: Contract) -> list[tuple[str, str]]:
    """The contract's terms as label/value pairs."""
    data = authoring.contract_input(contract)
    rows = [
        ("Naam", contract.name),
        ("Status", contract.get_status_display()),
        ("Looptijd", f"{contract.starts_on:%d-%m-%Y} t/m {contract.ends_on:%d-%m-%Y}"),
        ("Valuta", contract.currency),
        ("Deadweight", f"betaal voor {contract.deadweight_paid} van elke {contract.deadweight_of}"),
        ("Plafond contract", str(contract.cap_total or "geen")),
        ("Plafond per huishouden", str(contract.cap_per_household or "geen")),
    ]
    for p in data["payers"]:
        rows.append(("Betaler", f"{p['organisation']} (instroom {p['attachment_fee']})"))
    for ln in data["rate_card"]:
        year = f", instroomjaar {ln['attachment_year']}" if ln["attachment_year"] else ""
        rows.append(
            (
                "Tarief",
                f"{ln['definition'].code} - {ln['payer']}: {ln['method']} {ln['price']}{year}",
            )
        )
    return rows


def statement_rows(st: selectors.Statement) -> tuple[list[list], list[list]]:
    """(payment lines, investor cash flows) of the statement as the user may see it."""
    lines = []
    for row in st.payer_rows:
        for p in row["periods"]:
            for code, ln in p["lines"].items():
                lines.append(
                    [
                        str(row["organisation"]),
                        p["period"].name,
                        p["period"].starts_on,
                        p["period"].ends_on,
                        code,
                        ln["count"],
                        ln["demand"],
                        ln.get("deadweight", Decimal(0)),
                        ln["paid"],
                        ln.get("rule", ""),
                        ln.get("trigger", ""),
                        ln.get("deadweight_rule", ""),
                        p["version"],
                        dates.local_day(p["paid_at"]) if p["paid_at"] else None,
                    ]
                )
    flows = [
        [str(inv["organisation"]), f.on, f.label, f.amount]
        for inv in st.investor_rows
        for f in inv["flows"]
    ]
    return lines, flows


def statement_xlsx(contract: Contract, st: selectors.Statement) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Contract"
    for label, value in terms_rows(contract):
        sheet.append([label, value])
    lines, flows = statement_rows(st)
    payments = workbook.create_sheet("Afrekening")
    payments.append(LINE_COLUMNS)
    for line in lines:
        payments.append(line)
    cash = workbook.create_sheet("Investeerders")
    cash.append(FLOW_COLUMNS)
    for flow in flows:
        cash.append(flow)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statement_pdf(contract: Contract, st: selectors.Statement) -> bytes:
    from weasyprint import HTML

    lines, flows = statement_rows(st)
    html = render_to_string(
        "outcomes/statement_pdf.html",
        {
            "contract": contract,
            "terms": terms_rows(contract),
            "lines": lines,
            "flows": flows,
            "columns": LINE_COLUMNS,
            "today": dates.today(),
        },
    )
    return HTML(string=html).write_pdf()
