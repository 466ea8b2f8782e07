"""Reference data: the escalation ladder of the Maatpact (editable later in the admin)."""

from django.db import migrations

# order, code, name, handled by role, deadline (working days), region sees full case, external
LEVELS = [
    (1, "regisseur", "Regisseur", "regisseur", 5, False, False),
    (2, "teamleider", "Teamleider", "teamleider", 5, False, False),
    (3, "programmateam", "Programmateam (regio)", "programmateam", 10, True, False),
    (4, "bestuurders", "Bestuurders (verantwoordelijk wethouder)", "programmateam", 15, True, False),
    (
        5,
        "landelijk",
        "Landelijk: Steunpunt maatwerk en landelijk escalatieteam",
        "programmateam",
        None,
        True,
        True,
    ),
]


def load(apps, schema_editor):
    Level = apps.get_model("obstacles", "EscalationLevel")
    for order, code, name, role, days, region, external in LEVELS:
        Level.objects.update_or_create(
            code=code,
            defaults={
                "order": order,
                "name": name,
                "handled_by": role,
                "deadline_working_days": days,
                "region_full_access": region,
                "external": external,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("obstacles", "EscalationLevel").objects.filter(
        code__in=[row[1] for row in LEVELS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("obstacles", "0003_ladder_breakthrough_proposals")]
    operations = [migrations.RunPython(load, unload)]
