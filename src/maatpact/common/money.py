"""Money is always an exact ``Decimal`` in euros with two places; never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: object) -> Decimal:
    """Parse a value into euros, refusing floats and more than two decimals."""
    if isinstance(value, float):
        raise TypeError("Bedragen nooit als float doorgeven.")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Geen geldig bedrag.") from exc
    if not amount.is_finite():
        raise ValueError("Geen geldig bedrag.")
    if amount != amount.quantize(CENT):
        raise ValueError("Een bedrag heeft hoogstens twee decimalen.")
    return amount.quantize(CENT)


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def euro(value: Decimal | None) -> str:
    """Dutch notation: € 1.234,56."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(round_money(value)):,.2f}".partition(".")
    return f"{sign}€ {whole.replace(',', '.')},{cents}"
