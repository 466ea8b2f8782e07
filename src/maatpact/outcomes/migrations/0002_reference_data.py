"""Reference data: household event types and the outcome definitions of the issue."""

from django.db import migrations

EVENT_TYPES = [
    ("huisuitzetting", "Huisuitzetting", True),
    ("uithuisplaatsing", "Uithuisplaatsing van een kind", True),
    ("schuldregeling", "Schuldregeling gestart", False),
    ("werk", "Betaald werk gevonden", False),
    ("politiecontact", "Contact met politie", True),
    ("schooluitval", "Schooluitval van een kind", True),
]

DEFINITIONS = [
    (
        "huisuitzetting-voorkomen",
        "Huisuitzetting voorkomen",
        "Geen huisuitzetting in de 12 maanden na de start.",
        {"kind": "no_event", "event": "huisuitzetting", "months": 12},
        12,
    ),
    (
        "financien-stabiel",
        "Financiën gestabiliseerd",
        "ZRM financiën van 2 of lager naar 3 of hoger, 6 maanden vastgehouden.",
        {"kind": "zrm_rise", "domain": "financien", "from_max": 2, "to_min": 3, "hold_months": 6},
        6,
    ),
    (
        "uithuisplaatsing-voorkomen",
        "Uithuisplaatsing van een kind voorkomen",
        "Geen uithuisplaatsing van een kind in de 12 maanden na de start (huishoudens met kinderen).",
        {"kind": "no_event", "event": "uithuisplaatsing", "months": 12, "with_children": True},
        12,
    ),
    (
        "schuldregeling-gestart",
        "Schuldregeling gestart",
        "Een schuldregeling is na de start van het traject begonnen.",
        {"kind": "event_occurs", "event": "schuldregeling"},
        0,
    ),
    (
        "uitstroom-bijstand",
        "Uitstroom uit de bijstand",
        "De bijstandsuitkering die liep bij de start is beëindigd en 6 maanden niet hervat.",
        {"kind": "provision_ends", "law": "participatiewet", "months": 6},
        6,
    ),
    (
        "jeugdhulp-afgebouwd",
        "Jeugdhulp afgebouwd",
        "De jeugdhulp die liep bij de start is beëindigd en 6 maanden niet opnieuw nodig.",
        {"kind": "provision_ends", "law": "jeugdwet", "months": 6},
        6,
    ),
]


def load(apps, schema_editor):
    EventType = apps.get_model("outcomes", "EventType")
    Definition = apps.get_model("outcomes", "OutcomeDefinition")
    for code, name, adverse in EVENT_TYPES:
        EventType.objects.update_or_create(code=code, defaults={"name": name, "adverse": adverse})
    for code, name, description, rule, months in DEFINITIONS:
        Definition.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "rule": rule,
                "holding_months": months,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("outcomes", "OutcomeDefinition").objects.filter(
        code__in=[d[0] for d in DEFINITIONS]
    ).delete()
    apps.get_model("outcomes", "EventType").objects.filter(
        code__in=[e[0] for e in EVENT_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial"), ("provisions", "0002_laws")]
    operations = [migrations.RunPython(load, unload)]
