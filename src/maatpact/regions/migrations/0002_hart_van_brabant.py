"""Loads the Hart van Brabant region and its municipalities from regions/data."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "hart_van_brabant.json"


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Municipality = apps.get_model("regions", "Municipality")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    region, _ = Region.objects.get_or_create(code=data["region"]["code"],
                                             defaults={"name": data["region"]["name"]})
    for row in data["municipalities"]:
        Municipality.objects.update_or_create(
            cbs_code=row["cbs_code"],
            defaults={"name": row["name"], "region": region, "population": row["population"]},
        )


def unload(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Municipality = apps.get_model("regions", "Municipality")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    Municipality.objects.filter(cbs_code__in=[m["cbs_code"] for m in data["municipalities"]]).delete()
    Region.objects.filter(code=data["region"]["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
