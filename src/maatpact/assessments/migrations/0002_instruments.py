"""Reference data: the individual ZRM and ZRM-Huishoudens, version 1 (data files)."""

from django.db import migrations


def load(apps, schema_editor):
    from maatpact.assessments.loader import BUILTIN_FILES, DATA_DIR, load_instrument, read_file

    models = {
        name: apps.get_model("assessments", name)
        for name in ("Instrument", "Domain", "LevelDescription", "Assessment")
    }
    for filename in BUILTIN_FILES:
        load_instrument(read_file(DATA_DIR / filename), **models)


def unload(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    LevelDescription = apps.get_model("assessments", "LevelDescription")
    Domain = apps.get_model("assessments", "Domain")
    codes = ["zrm", "zrm-huishoudens"]
    LevelDescription.objects.filter(domain__instrument__code__in=codes).delete()
    Domain.objects.filter(instrument__code__in=codes).delete()
    Instrument.objects.filter(code__in=codes, assessments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
