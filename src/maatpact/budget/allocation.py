"""Dividing a fund over municipalities to the exact cent (largest remainder method)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count

from maatpact.common.money import ZERO
from maatpact.households.models import Household
from maatpact.regions.models import Municipality

from .models import Fund

Formula = Fund.Formula


def weights(formula: str, municipalities: list[Municipality]) -> dict[int, int]:
    if formula == Formula.GELIJK:
        return {m.pk: 1 for m in municipalities}
    if formula == Formula.INWONERS:
        return {m.pk: m.population for m in municipalities}
    if formula == Formula.HUISHOUDENS:
        counts = dict(
            Household.objects.filter(
                municipality__in=municipalities,
                status__in=[Household.Status.GESELECTEERD, Household.Status.ACTIEF],
            )
            .values_list("municipality")
            .annotate(n=Count("pk"))
            .values_list("municipality", "n")
        )
        return {m.pk: counts.get(m.pk, 0) for m in municipalities}
    raise ValidationError({"formula": "Kies een verdeelsleutel."})


def split(total: Decimal, weights_by_id: dict[int, int], order_key: dict[int, str]) -> dict:
    """Split ``total`` in cents proportionally; leftover cents go to the largest
    remainders, ties broken by ``order_key`` (the CBS code), so the result is exact and
    deterministic and always sums to ``total``."""
    total_cents = int(total * 100)
    weight_sum = sum(weights_by_id.values())
    if weight_sum <= 0:
        raise ValidationError({"formula": "Deze verdeelsleutel geeft elke gemeente nul."})
    base = {k: total_cents * w // weight_sum for k, w in weights_by_id.items()}
    leftover = total_cents - sum(base.values())
    ranked = sorted(
        weights_by_id, key=lambda k: (-(total_cents * weights_by_id[k] % weight_sum), order_key[k])
    )
    for k in ranked[:leftover]:
        base[k] += 1
    return {k: Decimal(v) / 100 for k, v in base.items()}


def compute_allocation(
    total: Decimal,
    formula: str,
    municipalities: list[Municipality],
    manual: dict[int, Decimal] | None = None,
) -> dict[int, Decimal]:
    """Target allocation per municipality id; manual amounts must add up to the fund."""
    if not municipalities:
        raise ValidationError({"formula": "Deze regio heeft geen gemeenten."})
    if formula == Formula.HANDMATIG:
        manual = manual or {}
        targets = {m.pk: manual.get(m.pk, ZERO) for m in municipalities}
        if any(v < 0 for v in targets.values()):
            raise ValidationError({"formula": "Een toewijzing kan niet negatief zijn."})
        if sum(targets.values()) != total:
            raise ValidationError(
                {
                    "formula": (
                        f"De bedragen tellen op tot {sum(targets.values())}, "
                        f"maar het fonds is {total}."
                    )
                }
            )
        return {k: v.quantize(Decimal("0.01")) for k, v in targets.items()}
    w = weights(formula, municipalities)
    return split(total, w, {m.pk: m.cbs_code for m in municipalities})
