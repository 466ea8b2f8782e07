"""Writes for setting up an outcome contract: create and change a draft, sign it.

A contract is set up as one whole (terms, payers, rate card, investors, periods) and
checked as one whole: every rule that looks at more than one part (shares that add up,
a trigger on an outcome the rate card measures, dates inside the contract) sees the
complete picture, and on any error nothing is written. A draft is replaced as a whole;
a signed contract changes only in its terms (caps, rate card, deadweight, trigger), and
each such change is a new dated ``ContractVersion``: paid periods never change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common.money import euro

from . import engine
from .models import (
    Contract,
    ContractPayer,
    Drawdown,
    FeeYearShare,
    Investment,
    PaidLine,
    PaymentPeriod,
    RateCardLine,
)
from .services import _lock_contract, check_caps, record_version

HUNDRED = Decimal(100)


DEFAULTS: dict = {
    "currency": "EUR",
    "cohorts": [],
    "follow_up_months": 0,
    "payers": [],
    "fee_shares": [],
    "rate_card": [],
    "cap_per_household": None,
    "cap_total": None,
    "max_return_rate": None,
    "investors": [],
    "deadweight_paid": 1,
    "deadweight_of": 1,
    "deadweight_on_fees": False,
    "trigger_percent": None,
    "trigger_per_cohort": False,
    "final_trigger_percent": None,
    "triggers": [],
    "periods": [],
}

RATE_DEFAULTS: dict = {
    "payer": None,
    "method": RateCardLine.Method.VAST,
    "price": Decimal("0.00"),
    "benchmark_months": None,
    "monthly_cost": None,
    "savings_share_percent": HUNDRED,
    "benchmark_days": None,
    "daily_cost": None,
    "attachment_year": None,
}


def percent(value: Decimal) -> str:
    """A percentage the Dutch way, without trailing zeros: 90, 99,5."""
    return format(value.normalize(), "f").replace(".", ",")


def contract_input(contract: Contract) -> dict:
    """The contract as it stands, in the form ``save_contract`` takes (for a change of
    part of it, and for reading it back)."""
    payers = list(contract.payers.select_related("organisation"))
    lines = list(contract.rate_card.select_related("definition", "payer__organisation"))
    comparison = {
        ln.definition.code: (ln.definition, ln.comparison_rate)
        for ln in lines
        if ln.comparison_rate is not None
    }
    return {
        "name": contract.name,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "currency": contract.currency,
        "cohorts": list(contract.cohorts.all()),
        "follow_up_months": contract.follow_up_months,
        "payers": [
            {
                "organisation": p.organisation,
                "share_percent": p.share_percent,
                "attachment_fee": p.attachment_fee,
                "cap": p.cap,
            }
            for p in payers
        ],
        "fee_shares": [
            {"contract_year": f.contract_year, "share_percent": f.share_percent}
            for f in contract.fee_shares.all()
        ],
        "rate_card": [
            {
                "definition": ln.definition,
                "payer": ln.payer.organisation,
                "method": ln.method,
                "price": ln.price,
                "benchmark_months": ln.benchmark_months,
                "monthly_cost": ln.monthly_cost,
                "savings_share_percent": ln.savings_share_percent,
                "benchmark_days": ln.benchmark_days,
                "daily_cost": ln.daily_cost,
                "attachment_year": ln.attachment_year,
            }
            for ln in lines
        ],
        "cap_per_household": contract.cap_per_household,
        "cap_total": contract.cap_total,
        "max_return_rate": contract.max_return_rate,
        "investors": [
            {
                "organisation": inv.investor,
                "committed": inv.committed,
                "drawdowns": [
                    {"drawn_on": d.drawn_on, "amount": d.amount} for d in inv.drawdowns.all()
                ],
            }
            for inv in contract.investments.select_related("investor").order_by("investor_id")
        ],
        "deadweight_paid": contract.deadweight_paid,
        "deadweight_of": contract.deadweight_of,
        "deadweight_on_fees": contract.deadweight_on_fees,
        "trigger_percent": contract.trigger_percent,
        "trigger_per_cohort": contract.trigger_per_cohort,
        "final_trigger_percent": contract.final_trigger_percent,
        "triggers": [
            {"definition": definition, "comparison_rate": rate}
            for definition, rate in comparison.values()
        ],
        "periods": [
            {"name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on}
            for p in contract.periods.all()
        ],
    }


def contract_years(data: dict) -> int:
    """How many (started) contract years the contract term spans."""
    return engine.contract_year(data["starts_on"], data["ends_on"])


def expand_rate_card(data: dict, errors: dict[str, list[str]]) -> list[dict]:
    """Rate card lines per payer: a line without a payer is shared by the payers'
    shares (a single payer: all of it); a fixed price is split to the cent by largest
    remainder (the parts add up to the price), a savings share exactly to 0.01 %."""
    shares = {
        p["organisation"].pk: p.get("share_percent")
        for p in data["payers"]
        if p.get("share_percent") is not None
    }
    if not shares and len(data["payers"]) == 1:  # a single payer pays every line
        shares = {data["payers"][0]["organisation"].pk: HUNDRED}
    lines = []
    for n, raw in enumerate(data["rate_card"], start=1):
        line = {**RATE_DEFAULTS, **raw}
        if line["payer"] is not None:
            lines.append(line)
            continue
        if not shares:
            errors["rate_card"].append(
                f"Regel {n}: noem de betaler, of geef de betalers een aandeel (%)."
            )
            continue
        parts = engine.split_cents(line["price"] or Decimal(0), shares)
        orgs = {p["organisation"].pk: p["organisation"] for p in data["payers"]}
        for org_id, share in sorted(shares.items()):
            savings = line["savings_share_percent"] * share / HUNDRED
            if line["method"] != RateCardLine.Method.VAST and savings != savings.quantize(
                Decimal("0.01")
            ):
                errors["rate_card"].append(
                    f"Regel {n}: {line['savings_share_percent']} % × {share} % van "
                    f"{orgs[org_id]} is niet exact op 0,01 %; geef de regel per betaler."
                )
                break
            lines.append(
                {
                    **line,
                    "payer": orgs[org_id],
                    "price": parts[org_id],
                    "savings_share_percent": savings.quantize(Decimal("0.01")),
                }
            )
    return lines


def _check_parties(data: dict, errors: dict[str, list[str]]) -> None:
    payers = data["payers"]
    if not payers:
        errors["payers"].append("Een contract heeft minstens één resultaatbetaler.")
    if any(n > 1 for n in Counter(p["organisation"].pk for p in payers).values()):
        errors["payers"].append("Elke betaler staat maar één keer in het contract.")
    shares = [p.get("share_percent") for p in payers]
    given = [s for s in shares if s is not None]
    if given:
        if len(given) < len(shares):
            errors["payers"].append("Geef elke betaler een aandeel, of geen enkele.")
        elif any(s < 0 for s in given):
            errors["payers"].append("Een aandeel kan niet negatief zijn.")
        elif sum(given) != HUNDRED:
            errors["payers"].append(
                f"De aandelen van de betalers tellen op tot {percent(sum(given))} %, "
                "niet tot 100 %."
            )
    for p in payers:
        if (p.get("attachment_fee") or 0) < 0:
            errors["payers"].append(
                f"De instroomvergoeding van {p['organisation']} kan niet negatief zijn."
            )
    investors = data["investors"]
    if any(n > 1 for n in Counter(i["organisation"].pk for i in investors).values()):
        errors["investors"].append("Elke investeerder staat maar één keer in het contract.")
    for inv in investors:
        name = inv["organisation"]
        if inv["committed"] is None or inv["committed"] <= 0:
            errors["investors"].append(f"Het toegezegde kapitaal van {name} moet positief zijn.")
            continue
        drawn = Decimal(0)
        for d in inv.get("drawdowns", []):
            if d["amount"] <= 0:
                errors["investors"].append(f"Een storting van {name} moet positief zijn.")
            if not data["starts_on"] <= d["drawn_on"] <= data["ends_on"]:
                errors["investors"].append(
                    f"De storting van {name} op {d['drawn_on']:%d-%m-%Y} ligt buiten de "
                    "contractperiode."
                )
            drawn += d["amount"]
        if drawn > inv["committed"]:
            errors["investors"].append(
                f"De stortingen van {name} ({euro(drawn)}) zijn meer dan het toegezegde "
                f"kapitaal ({euro(inv['committed'])})."
            )


def _check_rate_card(data: dict, lines: list[dict], errors: dict[str, list[str]]) -> None:
    years = contract_years(data)
    payer_ids = {p["organisation"].pk for p in data["payers"]}
    seen: set[tuple] = set()
    for ln in lines:
        where = f"{ln['definition'].code}, {ln['payer']}"
        if ln["payer"].pk not in payer_ids:
            errors["rate_card"].append(f"{where}: deze betaler hoort niet bij dit contract.")
        if ln["price"] is None or ln["price"] < 0:
            errors["rate_card"].append(f"{where}: een prijs kan niet negatief zijn.")
        if ln["method"] == RateCardLine.Method.BESPARING and (
            ln["benchmark_months"] is None
            or ln["benchmark_months"] < 0
            or ln["monthly_cost"] is None
            or ln["monthly_cost"] < 0
        ):
            errors["rate_card"].append(
                f"{where}: geef de verwachte duur (maanden) en de kosten per maand (≥ 0)."
            )
        if ln["method"] == RateCardLine.Method.DAGEN and (
            ln["benchmark_days"] is None or ln["daily_cost"] is None or ln["daily_cost"] < 0
        ):
            errors["rate_card"].append(
                f"{where}: geef de verwachte duur (dagen) en de kosten per dag (≥ 0)."
            )
        if not Decimal(0) <= ln["savings_share_percent"] <= HUNDRED:
            errors["rate_card"].append(f"{where}: het aandeel ligt tussen 0 en 100 %.")
        year = ln["attachment_year"]
        if year is not None and not 1 <= year <= years:
            errors["rate_card"].append(
                f"{where}: instroomjaar {year} valt buiten het contract (jaar 1 t/m {years})."
            )
        key = (ln["definition"].pk, ln["payer"].pk, year)
        if key in seen:
            errors["rate_card"].append(f"{where}: deze betaler heeft hier al een tarief.")
        seen.add(key)
    measured = {ln["definition"].code for ln in data["rate_card"]}
    for t in data["triggers"]:
        code = t["definition"].code
        if code not in measured:
            errors["triggers"].append(
                f"Een drempel op '{code}' kan niet: dit contract meet dat resultaat niet."
            )
        rate = t.get("comparison_rate")
        if rate is None or not Decimal(0) <= rate <= Decimal(1):
            errors["triggers"].append(
                f"Het percentage van de vergelijkingsgroep voor '{code}' ligt tussen 0 en 1."
            )
    thresholds = (data["trigger_percent"], data.get("final_trigger_percent"))
    if data["triggers"] and thresholds == (None, None):
        errors["trigger_percent"].append("Geef de drempel (%) voor de triggers.")
    if data.get("trigger_per_cohort") and data["trigger_percent"] is None:
        errors["trigger_percent"].append("Een drempel per cohort vraagt een drempel (%).")
    if thresholds != (None, None) and not data["triggers"]:
        errors["triggers"].append(
            "Een drempel werkt per resultaat: noem het resultaat en de vergelijkingsgroep."
        )


def _check_dates(data: dict, errors: dict[str, list[str]]) -> None:
    years = contract_years(data)
    for f in data["fee_shares"]:
        if not 1 <= f["contract_year"] <= years:
            errors["fee_shares"].append(
                f"Contractjaar {f['contract_year']} valt buiten het contract (jaar 1 t/m {years})."
            )
        if not Decimal(0) <= f["share_percent"] <= HUNDRED:
            errors["fee_shares"].append("Een aandeel ligt tussen 0 en 100 %.")
    if len({f["contract_year"] for f in data["fee_shares"]}) < len(data["fee_shares"]):
        errors["fee_shares"].append("Elk contractjaar heeft één aandeel.")
    periods = sorted(data["periods"], key=lambda p: p["starts_on"])
    for p in periods:
        if p["ends_on"] < p["starts_on"]:
            errors["periods"].append(f"'{p['name']}': het einde ligt vóór het begin.")
        if p["starts_on"] < data["starts_on"] or p["ends_on"] > data["ends_on"]:
            errors["periods"].append(f"'{p['name']}' ligt (deels) buiten de contractperiode.")
    for before, after in zip(periods, periods[1:], strict=False):
        if after["starts_on"] <= before["ends_on"]:
            errors["periods"].append(f"'{after['name']}' overlapt met '{before['name']}'.")


def _check_paid(contract: Contract, data: dict, errors: dict[str, list[str]]) -> None:
    """A cap is never below what was already paid under it."""
    paid = PaidLine.objects.filter(period__contract=contract)
    total = paid.aggregate(s=Sum("paid"))["s"] or Decimal(0)
    if data["cap_total"] is not None and data["cap_total"] < total:
        errors["cap_total"].append(
            f"Het contractplafond ligt onder wat al is betaald ({euro(total)})."
        )
    per_household = paid.values("household_id").annotate(s=Sum("paid")).aggregate(m=Max("s"))["m"]
    cap = data["cap_per_household"]
    if cap is not None and per_household is not None and cap < per_household:
        errors["cap_per_household"].append(
            f"Het plafond per huishouden ligt onder wat al voor één huishouden is betaald "
            f"({euro(per_household)})."
        )
    by_payer = dict(paid.values_list("payer_id").annotate(s=Sum("paid")))
    for p in data["payers"]:
        done = by_payer.get(p["organisation"].pk, Decimal(0))
        if p.get("cap") is not None and p["cap"] < done:
            errors["payers"].append(
                f"Het plafond van {p['organisation']} ligt onder wat die al betaalde "
                f"({euro(done)})."
            )


def check_contract(data: dict, contract: Contract | None = None) -> dict[str, list[str]]:
    """Every rule over the whole contract; errors per field, in Dutch."""
    errors: dict[str, list[str]] = defaultdict(list)
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"].append("Geef het contract een naam.")
    elif Contract.objects.filter(name=name).exclude(pk=getattr(contract, "pk", None)).exists():
        errors["name"].append("Er is al een contract met deze naam.")
    if data.get("starts_on") is None or data.get("ends_on") is None:
        errors["starts_on"].append("Geef de start en het einde van het contract.")
        return dict(errors)
    if data["ends_on"] <= data["starts_on"]:
        errors["ends_on"].append("Het einde van het contract ligt niet na de start.")
        return dict(errors)
    if not 1 <= data["deadweight_paid"] <= data["deadweight_of"]:
        errors["deadweight_paid"].append("Betaal voor p van elke q resultaten, met 1 ≤ p ≤ q.")
    _check_parties(data, errors)
    lines = expand_rate_card(data, errors)
    _check_rate_card(data, lines, errors)
    _check_dates(data, errors)
    caps = check_caps(
        data["cap_per_household"],
        data["cap_total"],
        {str(p["organisation"]): p.get("cap") for p in data["payers"]},
        data["max_return_rate"],
    )
    for field, messages in caps.items():
        errors["payers" if field == "payer_caps" else field].extend(messages)
    if contract is not None and contract.pk is not None:
        _check_paid(contract, data, errors)
    data["_lines"] = lines
    return {k: v for k, v in errors.items() if v}


def _frozen_changes(contract: Contract, data: dict) -> dict[str, list[str]]:
    """Fields a signed contract cannot change (only its terms make a new version)."""
    current = contract_input(contract)
    message = (
        "Het contract is getekend: dit verandert niet meer. Alleen plafonds, tarieven, "
        "deadweight en drempel veranderen, als nieuwe versie."
    )
    errors = {}
    for field in ("name", "starts_on", "ends_on", "currency", "follow_up_months", "periods"):
        if data[field] != current[field]:
            errors[field] = [message]
    if {c.pk for c in data["cohorts"]} != {c.pk for c in current["cohorts"]}:
        errors["cohorts"] = [message]
    if _normal(data["fee_shares"]) != _normal(current["fee_shares"]):
        errors["fee_shares"] = [message]
    if _normal(data["investors"]) != _normal(current["investors"]):
        errors["investors"] = [message]

    def parties(payers):
        return sorted(
            (p["organisation"].pk, p.get("share_percent"), p.get("attachment_fee") or 0)
            for p in payers
        )

    if parties(data["payers"]) != parties(current["payers"]):
        errors["payers"] = [message + " (betalers, aandelen en instroomvergoedingen)"]
    return errors


def _current(contract: Contract) -> dict:
    current = contract_input(contract)
    current["_lines"] = current["rate_card"]
    return current


def _text(value) -> str:
    """One comparable text per value: a row's pk, a normalised amount, a date."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return repr(_normal(value))
    return str(getattr(value, "pk", value))


def _canonical(data: dict) -> tuple:
    """The contract's content, independent of how it was typed (empty fee = 0, ...)."""
    defaults = {
        "payers": {"share_percent": None, "attachment_fee": Decimal(0), "cap": None},
        "_lines": RATE_DEFAULTS,
        "investors": {"drawdowns": []},
        "triggers": {"comparison_rate": None},
    }

    def rows(key: str) -> list:
        filled = [{**defaults.get(key, {}), **row} for row in data[key]]
        for row in filled:
            if key == "payers" and row["attachment_fee"] is None:
                row["attachment_fee"] = Decimal(0)
        return sorted(sorted((k, _text(v)) for k, v in row.items()) for row in filled)

    scalars = tuple(
        _text(data[f])
        for f in (
            "name",
            "starts_on",
            "ends_on",
            "currency",
            "follow_up_months",
            *TERM_COLUMNS,
        )
    )
    return (
        scalars,
        sorted(c.pk for c in data["cohorts"]),
        *(rows(k) for k in ("payers", "fee_shares", "_lines", "investors", "triggers", "periods")),
    )


def _normal(rows: list[dict]) -> list:
    return sorted(sorted((k, _text(v)) for k, v in row.items()) for row in rows)


def save_contract(user: User, data: dict, contract: Contract | None = None) -> Contract:
    """Create a draft, replace a draft, or change a signed contract's terms.

    ``data`` may name only some fields when changing; the rest stays as it is. On any
    error nothing is written.
    """
    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = None if contract is None else _lock_contract(contract)
        base = DEFAULTS if locked is None else contract_input(locked)
        full = {**base, **data}
        if "name" in full and isinstance(full["name"], str):
            full["name"] = full["name"].strip()
        errors = check_contract(full, locked)
        if locked is not None and locked.status == Contract.Status.GETEKEND:
            errors = {**errors, **_frozen_changes(locked, full)}
        if errors:
            raise ValidationError(errors)
        if locked is not None and _canonical(full) == _canonical(_current(locked)):
            return locked  # nothing changed: no rows rewritten, no version, no audit
        if locked is None:
            locked = Contract(status=Contract.Status.CONCEPT)
        if locked.status == Contract.Status.CONCEPT:
            _write_draft(user, locked, full)
        else:
            _write_terms(user, locked, full)
    return locked


def _contract_fields(contract: Contract, data: dict, fields) -> None:
    for field in fields:
        setattr(contract, field, data[field])


def _write_draft(user: User, contract: Contract, data: dict) -> None:
    creating = contract.pk is None
    _contract_fields(
        contract,
        data,
        ("name", "starts_on", "ends_on", "currency", "follow_up_months", *TERM_COLUMNS),
    )
    contract.drafted_by = user
    contract.save()
    if not creating:
        contract.rate_card.all().delete()
        contract.payers.all().delete()
        contract.fee_shares.all().delete()
        Drawdown.objects.filter(investment__contract=contract).delete()
        contract.investments.all().delete()
        contract.periods.all().delete()
    contract.cohorts.set(data["cohorts"])
    payers = {
        p["organisation"].pk: ContractPayer.objects.create(
            contract=contract,
            organisation=p["organisation"],
            share_percent=p.get("share_percent"),
            attachment_fee=p.get("attachment_fee") or Decimal(0),
            cap=p.get("cap"),
        )
        for p in data["payers"]
    }
    _write_rate_card(contract, data, payers)
    FeeYearShare.objects.bulk_create(
        [
            FeeYearShare(contract=contract, contract_year=f["contract_year"], share_percent=pct)
            for f in data["fee_shares"]
            for pct in [f["share_percent"]]
        ]
    )
    for inv in data["investors"]:
        investment = Investment.objects.create(
            contract=contract, investor=inv["organisation"], committed=inv["committed"]
        )
        Drawdown.objects.bulk_create(
            [
                Drawdown(investment=investment, drawn_on=d["drawn_on"], amount=d["amount"])
                for d in inv.get("drawdowns", [])
            ]
        )
    PaymentPeriod.objects.bulk_create(
        [
            PaymentPeriod(
                contract=contract, name=p["name"], starts_on=p["starts_on"], ends_on=p["ends_on"]
            )
            for p in data["periods"]
        ]
    )
    record(
        user,
        Action.CREATE if creating else Action.UPDATE,
        contract,
        detail="contract (concept)",
    )


TERM_COLUMNS = (
    "cap_per_household",
    "cap_total",
    "max_return_rate",
    "deadweight_paid",
    "deadweight_of",
    "deadweight_on_fees",
    "trigger_percent",
    "trigger_per_cohort",
    "final_trigger_percent",
)


def _write_rate_card(contract: Contract, data: dict, payers: dict[int, ContractPayer]) -> None:
    comparison = {t["definition"].pk: t["comparison_rate"] for t in data["triggers"]}
    RateCardLine.objects.bulk_create(
        [
            RateCardLine(
                contract=contract,
                definition=ln["definition"],
                payer=payers[ln["payer"].pk],
                method=ln["method"],
                price=ln["price"],
                benchmark_months=ln["benchmark_months"],
                monthly_cost=ln["monthly_cost"],
                savings_share_percent=ln["savings_share_percent"],
                benchmark_days=ln["benchmark_days"],
                daily_cost=ln["daily_cost"],
                attachment_year=ln["attachment_year"],
                comparison_rate=comparison.get(ln["definition"].pk),
            )
            for ln in data["_lines"]
        ]
    )


def _write_terms(user: User, contract: Contract, data: dict) -> None:
    """A signed contract's new terms: the version before is kept, the new one dated today."""
    record_version(user, contract)
    _contract_fields(contract, data, TERM_COLUMNS)
    contract.save(update_fields=list(TERM_COLUMNS))
    payers = {p.organisation_id: p for p in contract.payers.all()}
    for p in data["payers"]:
        payer = payers[p["organisation"].pk]
        if payer.cap != p.get("cap"):
            payer.cap = p.get("cap")
            payer.save(update_fields=["cap"])
    contract.rate_card.all().delete()
    _write_rate_card(contract, data, payers)
    record(user, Action.UPDATE, contract, detail="contractvoorwaarden")
    record_version(user, contract)


def sign_contract(user: User, contract: Contract) -> Contract:
    """Sign a draft: a second person of the programme team (not who last changed it).

    Signing freezes the terms as version 1, valid from the contract's start.
    """
    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_contract(contract)
        if locked.status != Contract.Status.CONCEPT:
            raise ValidationError("Dit contract is al getekend.")
        if locked.drafted_by_id == user.pk:
            raise ValidationError(
                "Tekenen doet een tweede persoon van het programmateam: u heeft dit concept "
                "zelf opgesteld of als laatste gewijzigd."
            )
        if (
            not locked.rate_card.exists()
            and not locked.payers.filter(attachment_fee__gt=0).exists()
        ):
            raise ValidationError("Het contract heeft nog geen tarief of instroomvergoeding.")
        locked.status, locked.signed_by, locked.signed_at = (
            Contract.Status.GETEKEND,
            user,
            timezone.now(),
        )
        locked.save(update_fields=["status", "signed_by", "signed_at"])
        record(user, Action.UPDATE, locked, detail="contract getekend")
        record_version(user, locked)
    return locked


def add_drawdown(
    user: User, contract: Contract, *, investor, drawn_on, amount: Decimal
) -> Drawdown:
    """Capital an investor paid in: a fact, recorded on a draft or a signed contract.

    Within the contract's term and the investor's commitment, and after the last paid
    period (a paid period's receipts rest on the capital drawn by then).
    """
    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_contract(contract)
        investment = locked.investments.filter(investor=investor).first()
        errors: dict[str, list[str]] = defaultdict(list)
        if investment is None:
            errors["investor"].append("Deze investeerder hoort niet bij dit contract.")
        if amount is None or amount <= 0:
            errors["amount"].append("Een storting moet positief zijn.")
        if not locked.starts_on <= drawn_on <= locked.ends_on:
            errors["drawn_on"].append("De stortingsdatum ligt buiten de contractperiode.")
        last_paid = locked.periods.filter(paid_at__isnull=False).order_by("-ends_on").first()
        if last_paid is not None and drawn_on <= last_paid.ends_on:
            errors["drawn_on"].append(
                f"De periode '{last_paid.name}' is al betaald (t/m "
                f"{last_paid.ends_on:%d-%m-%Y}); een storting valt erna."
            )
        if investment is not None and amount is not None and amount > 0:
            drawn = investment.drawdowns.aggregate(s=Sum("amount"))["s"] or Decimal(0)
            if drawn + amount > investment.committed:
                errors["amount"].append(
                    f"Met deze storting is {euro(drawn + amount)} gestort, meer dan het "
                    f"toegezegde kapitaal ({euro(investment.committed)})."
                )
        if errors:
            raise ValidationError(dict(errors))
        drawdown = Drawdown.objects.create(investment=investment, drawn_on=drawn_on, amount=amount)
        record(user, Action.CREATE, drawdown, detail="storting investeerder")
    return drawdown
