"""Money is always an exact ``Decimal`` in euros with two places; never a float.

Two notations, never mixed up:

* **machine** (API, services, CSV): digits with one decimal point, "3200.50"
  (``to_money``; a comma is read as the point too, for older clients);
* **Dutch** (forms, pages): "3.200,50", with points only between groups of three digits
  and a comma for the cents (``parse_dutch_amount`` reads it, ``euro``/``euro_input``
  write it).

Both refuse what ``Decimal()`` would happily read but nobody means as money: "1e3",
"NaN", "Infinity", "1_000".
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_MACHINE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
# "3200", "3200,5", "3.200", "3.200,00", "3.200,-", each optionally negative.
_DUTCH = re.compile(r"(?P<sign>-?)(?P<whole>\d+|\d{1,3}(?:\.\d{3})+)(?:,(?P<cents>\d+|-{1,2}))?")
_CURRENCY = re.compile(r"^(?:€|euro|eur)\s*|\s*(?:€|euro|eur)$", re.IGNORECASE)

DUTCH_EXAMPLE = "bijvoorbeeld 3.200,00 of 3200"


def is_machine_notation(text: str) -> bool:
    """Digits with at most one decimal point or comma and a sign: no exponent, no NaN."""
    return _MACHINE.fullmatch(text.strip()) is not None


def to_money(value: object) -> Decimal:
    """Parse a machine value (Decimal, int or text "3200.50") into euros, refusing
    floats, scientific notation and more than two decimals."""
    if isinstance(value, float):
        raise TypeError("Bedragen nooit als float doorgeven.")
    if isinstance(value, bool):
        raise ValueError("Geen geldig bedrag.")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        text = str(value).strip()
        if not is_machine_notation(text):
            raise ValueError("Geen geldig bedrag.")
        try:
            amount = Decimal(text.replace(",", "."))
        except (InvalidOperation, ValueError) as exc:  # pragma: no cover - regex guards
            raise ValueError("Geen geldig bedrag.") from exc
    if not amount.is_finite():
        raise ValueError("Geen geldig bedrag.")
    if amount != amount.quantize(CENT):
        raise ValueError("Een bedrag heeft hoogstens twee decimalen.")
    return amount.quantize(CENT)


def parse_dutch_amount(text: str) -> Decimal:
    """An amount as people type it in Dutch: "3.200,00", "3200", "3200,5", "€ 3.200".

    Refused, with a Dutch message (``ValueError``): English notation ("3,200.00",
    "3.20"), scientific notation, more than two decimals, and anything else."""
    cleaned = text.replace("\u00a0", " ").strip()
    cleaned = _CURRENCY.sub("", cleaned).strip().replace(" ", "")
    if len(cleaned) > 20:
        raise ValueError("Dit bedrag is te lang.")
    match = _DUTCH.fullmatch(cleaned)
    if match is None:
        if re.fullmatch(r"-?[\d.,]+", cleaned) and "." in cleaned:
            raise ValueError(
                "Vul een bedrag in euro in met een komma voor de centen en een punt alleen "
                f"tussen duizendtallen, {DUTCH_EXAMPLE}."
            )
        raise ValueError(f"Vul een bedrag in euro in, {DUTCH_EXAMPLE}.")
    cents = match["cents"] or ""
    if cents.startswith("-"):
        cents = ""
    if len(cents) > 2:
        raise ValueError(
            "Vul een bedrag in euro in met hoogstens twee decimalen (cijfers achter de "
            f"komma), {DUTCH_EXAMPLE}."
        )
    whole = match["whole"].replace(".", "")
    amount = Decimal(f"{match['sign']}{whole}.{cents or '0'}")
    return amount.quantize(CENT)


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _dutch_parts(value: Decimal) -> tuple[str, str]:
    """(sign, "1.234,56") of an amount rounded to the cent."""
    rounded = round_money(Decimal(value))
    whole, _, cents = f"{abs(rounded):,.2f}".partition(".")
    return ("-" if rounded < 0 else ""), f"{whole.replace(',', '.')},{cents}"


def euro(value: Decimal | None) -> str:
    """Dutch notation for pages: € 1.234,56 and -€ 1.234,56 (the one way an amount is
    shown, through the ``euro`` template filter)."""
    if value is None:
        return "—"
    sign, digits = _dutch_parts(value)
    return f"{sign}€ {digits}"


def euro_input(value: Decimal) -> str:
    """An amount in a form field: 1.234,56, which ``parse_dutch_amount`` reads back."""
    sign, digits = _dutch_parts(value)
    return f"{sign}{digits}"
