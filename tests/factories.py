"""Plain factory functions for tests: explicit, no magic, synthetic data only."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from maatpact.accounts.models import Role, User
from maatpact.households import services
from maatpact.households.models import Household
from maatpact.regions.models import Municipality, Organisation

_seq = itertools.count(1)


def municipality(name: str = "Tilburg") -> Municipality:
    return Municipality.objects.get(name=name)


def organisation(
    name: str = "Zorgverzekeraar Test (fictief)", kind: str = "zorgverzekeraar"
) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def user(role: str = Role.REGISSEUR, municipality_name: str | None = "Tilburg", **extra) -> User:
    n = next(_seq)
    mun = (
        municipality(municipality_name)
        if municipality_name and role in (Role.REGISSEUR, Role.TEAMLEIDER)
        else None
    )
    if role == Role.FINANCIER and "organisation" not in extra:
        extra["organisation"] = organisation()
    return User.objects.create_user(
        username=f"{role}{n}",
        password="x",
        role=role,
        municipality=mun,
        first_name=f"Test{n}",
        last_name=role.capitalize(),
        **extra,
    )


def api_token(user: User, *, name: str = "test", days: int = 30) -> str:
    """A token issued by the administrator's service; returns the text (shown once)."""
    from maatpact.accounts.tokens import issue_token

    return issue_token(user, name=name, lifetime=timedelta(days=days), actor=None)[1]


def household(
    coordinator: User, *, members: list[services.MemberData] | None = None, bsn: str = "", **fields
) -> Household:
    """Register a household through the real intake service."""
    n = next(_seq)
    members = members or [
        services.MemberData(
            first_name=f"Fictief{n}",
            last_name=f"Achternaam{n}",
            date_of_birth=date(1985, 3, 4),
            role="aanvrager",
            bsn=bsn,
        ),
        services.MemberData(
            first_name=f"Kind{n}",
            last_name=f"Achternaam{n}",
            date_of_birth=date(2015, 6, 1),
            role="kind",
        ),
    ]
    defaults = dict(street="Teststraat", house_number=str(n), postcode="5038 AB", city="Tilburg")
    defaults.update(fields)
    return services.register_household(
        coordinator, municipality=coordinator.municipality, members=members, **defaults
    )


# Valid synthetic BSNs (elfproef) for tests.
VALID_BSN = "111222333"
VALID_BSN_2 = "123456782"
INVALID_BSN = "123456789"


def make_selectable(actor: User, household: Household, *, on: date | None = None) -> None:
    """Give a household what the selection criteria ask for (3 domains at 1-2, 2 laws)."""
    from decimal import Decimal

    from maatpact.assessments import services as assessment_services
    from maatpact.common import dates
    from maatpact.provisions.models import Law, Provision

    on = on or dates.today()
    assessment_services.record_assessment(
        actor,
        household,
        assessed_on=on,
        scores={"hh_financien": 1, "hh_huisvesting": 2, "hh_organisatie": 2},
    )
    for code in ("wmo", "jeugdwet"):
        Provision.objects.create(
            household=household,
            law=Law.objects.get(code=code),
            financier=organisation("Gemeente Tilburg", "gemeente"),
            description=f"Steun ({code})",
            starts_on=on,
            amount=Decimal("100.00"),
        )
