import pytest
from django.core.cache import cache

from maatpact.accounts.models import Role
from tests import clock, factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures are keyed by data versions, which restart with every test's
    rolled-back database: each test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=clock.BOUNDARIES, ids=str)
def boundary(request):
    """The clock frozen at each moment of ``tests.clock.BOUNDARIES``; list it before the
    fixtures that create data, so their rows are made at the frozen moment too."""
    with clock.frozen(request.param.moment):
        yield request.param


@pytest.fixture
def coordinator(db):
    return factories.user(Role.REGISSEUR, "Tilburg")


@pytest.fixture
def other_coordinator(db):
    return factories.user(Role.REGISSEUR, "Tilburg")


@pytest.fixture
def goirle_coordinator(db):
    return factories.user(Role.REGISSEUR, "Goirle")


@pytest.fixture
def team_lead(db):
    return factories.user(Role.TEAMLEIDER, "Tilburg")


@pytest.fixture
def goirle_team_lead(db):
    return factories.user(Role.TEAMLEIDER, "Goirle")


@pytest.fixture
def regional(db):
    return factories.user(Role.PROGRAMMATEAM, None)


@pytest.fixture
def analyst(db):
    return factories.user(Role.ANALIST, None)


@pytest.fixture
def financier(db):
    return factories.user(Role.FINANCIER, None)


@pytest.fixture
def admin_user(db):
    return factories.user(Role.BEHEERDER, None, is_staff=True, is_superuser=True)


@pytest.fixture
def household(coordinator):
    return factories.household(coordinator, bsn=factories.VALID_BSN)


@pytest.fixture
def goirle_household(goirle_coordinator):
    return factories.household(goirle_coordinator, city="Goirle")


def login(client, user):
    client.force_login(user)
    return client
