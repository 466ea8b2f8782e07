from maatpact.regions.models import Municipality, Region

EXPECTED = {
    "GM0766": "Dongen",
    "GM0784": "Gilze en Rijen",
    "GM0785": "Goirle",
    "GM0797": "Heusden",
    "GM0798": "Hilvarenbeek",
    "GM0809": "Loon op Zand",
    "GM0824": "Oisterwijk",
    "GM0855": "Tilburg",
    "GM0867": "Waalwijk",
}


def test_data_migration_loads_hart_van_brabant(db):
    region = Region.objects.get(code="hart-van-brabant")
    loaded = dict(region.municipalities.values_list("cbs_code", "name"))
    assert loaded == EXPECTED


def test_another_region_can_be_added(db):
    region = Region.objects.create(code="west-brabant", name="West-Brabant")
    Municipality.objects.create(cbs_code="GM0758", name="Breda", region=region, population=180000)
    assert Municipality.objects.count() == 10


def test_cbs_code_format_enforced_by_database(db):
    import pytest
    from django.db import IntegrityError, transaction

    region = Region.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(cbs_code="XX12", name="Fout", region=region)
