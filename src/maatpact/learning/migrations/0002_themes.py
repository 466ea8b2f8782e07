"""Reference data: themes to tag lessons with."""

from django.db import migrations

THEMES = [
    ("regie", "Regie en samenwerking"),
    ("schulden", "Schulden en inkomen"),
    ("wonen", "Wonen en huisvesting"),
    ("jeugd", "Jeugd en opvoeding"),
    ("zorg", "Zorg en gezondheid"),
    ("regels", "Regels en maatwerk"),
    ("gegevens", "Gegevensdeling en privacy"),
    ("huishouden", "Eigen regie van het huishouden"),
    ("financiering", "Financiering en budget"),
]


def load(apps, schema_editor):
    Theme = apps.get_model("learning", "Theme")
    for code, name in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("learning", "Theme").objects.filter(code__in=[c for c, _ in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
