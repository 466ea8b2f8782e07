"""A contract's terms as a ``ContractVersion`` keeps them, and whether two are the same.

One home for the comparison, so the service that records a version and the statement
that names the version in force agree on what "a change of terms" is.
"""

from __future__ import annotations

from decimal import Decimal

from .models import Contract, ContractVersion


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def terms_snapshot(contract: Contract) -> dict:
    """The contract's terms as they are now, in the form a ``ContractVersion`` keeps."""
    return {
        "cap_per_household": contract.cap_per_household,
        "cap_total": contract.cap_total,
        "max_return_rate": contract.max_return_rate,
        "deadweight_paid": contract.deadweight_paid,
        "deadweight_of": contract.deadweight_of,
        "deadweight_on_fees": contract.deadweight_on_fees,
        "trigger_percent": contract.trigger_percent,
        "trigger_per_cohort": contract.trigger_per_cohort,
        "final_trigger_percent": contract.final_trigger_percent,
        "payer_caps": {
            str(org): _money(cap)
            for org, cap in contract.payers.order_by("organisation_id").values_list(
                "organisation_id", "cap"
            )
        },
        "rate_card": [_rate_row(row) for row in _rate_rows(contract)],
    }


def _rate_rows(contract: Contract):
    return contract.rate_card.order_by(
        "definition__code", "payer__organisation_id", "attachment_year"
    ).values_list(
        "definition__code",
        "payer__organisation_id",
        "method",
        "price",
        "benchmark_months",
        "monthly_cost",
        "savings_share_percent",
        "comparison_rate",
        "attachment_year",
        "benchmark_days",
        "daily_cost",
    )


def _rate_row(row: tuple) -> list:
    """Eight fields per line; a line for one attachment year or priced per day has three
    more (year, expected days, daily cost), so versions kept before those existed still
    compare equal."""
    code, org, method, *amounts = row[:8]
    year, days, daily = row[8:]
    extra = [] if (year, days, daily) == (None, None, None) else [year, days, _money(daily)]
    return [code, org, method, *map(_money, amounts), *extra]


def same_terms(version: ContractVersion, snapshot: dict) -> bool:
    def norm(value):
        return None if value is None else Decimal(value)

    return (
        all(
            norm(getattr(version, f)) == norm(snapshot[f])
            for f in (
                "cap_per_household",
                "cap_total",
                "max_return_rate",
                "trigger_percent",
                "final_trigger_percent",
            )
        )
        and (version.deadweight_paid, version.deadweight_of, version.deadweight_on_fees)
        == (snapshot["deadweight_paid"], snapshot["deadweight_of"], snapshot["deadweight_on_fees"])
        and version.trigger_per_cohort == snapshot["trigger_per_cohort"]
        and version.payer_caps == snapshot["payer_caps"]
        and version.rate_card == snapshot["rate_card"]
    )
