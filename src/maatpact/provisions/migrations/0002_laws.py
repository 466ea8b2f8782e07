"""Reference data: the laws under which households receive support."""

from django.db import migrations

LAWS = [
    ("wmo", "Wet maatschappelijke ondersteuning 2015 (Wmo 2015)"),
    ("jeugdwet", "Jeugdwet"),
    ("participatiewet", "Participatiewet"),
    ("zvw", "Zorgverzekeringswet (Zvw)"),
    ("wlz", "Wet langdurige zorg (Wlz)"),
    ("wgs", "Wet gemeentelijke schuldhulpverlening (Wgs)"),
    ("huisvestingswet", "Huisvestingswet 2014"),
    ("overig", "Overig"),
]


def load(apps, schema_editor):
    Law = apps.get_model("provisions", "Law")
    for code, name in LAWS:
        Law.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("provisions", "Law").objects.filter(code__in=[c for c, _ in LAWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("provisions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
