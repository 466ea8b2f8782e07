"""Purpose binding (doelbinding): which data categories a partner's record lets it receive.

A partner (a financier, a housing corporation) sees a household only through an active
sharing record (``ProcessingBasis`` with kind *delen*), and only the data categories of
that record's purpose (``common.classification``):

* **resultaatmeting** (outcome measurement for the Social Impact Bond): pseudonymous and
  aggregate data only - the household's number, status and outcomes, no names, no BSN,
  no free text, no provisions;
* **voorkomen huisuitzetting**: who the household is and the case as typed (identifying,
  free text), but no special-category data;
* **regie en ondersteuning**: everything, special-category data (which law pays for
  which help: Jeugdwet, Wmo, Participatiewet) included - but only when the record is
  *cross-domain*, which consent alone can never be (refused by the database).

Withdrawal takes effect at once: every request reads ``withdrawn_on``.
"""

from __future__ import annotations

from maatpact.common.classification import PSEUDONYMISED, Category

from .models import ProcessingBasis

Purpose = ProcessingBasis.Purpose

PURPOSE_CATEGORIES: dict[str, frozenset[Category]] = {
    Purpose.RESULTAATMETING: PSEUDONYMISED,
    Purpose.HUISUITZETTING: PSEUDONYMISED | {Category.IDENTIFYING, Category.FREE_TEXT},
    Purpose.ONDERSTEUNING: PSEUDONYMISED
    | {Category.IDENTIFYING, Category.FREE_TEXT, Category.SPECIAL},
}


def categories_granted(purpose: str, *, cross_domain: bool) -> frozenset[Category]:
    """The categories one record grants: its purpose's, special ones only across domains."""
    granted = PURPOSE_CATEGORIES.get(purpose, PSEUDONYMISED)
    if not cross_domain:
        granted = granted - {Category.SPECIAL}
    return granted


def purposes_granting(category: Category) -> list[str]:
    """The purposes whose records can grant ``category`` (for a database filter)."""
    return [p for p, granted in PURPOSE_CATEGORIES.items() if category in granted]
