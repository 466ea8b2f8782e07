from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from maatpact.households.models import Household
from maatpact.security.inzage import build_report


class Command(BaseCommand):
    help = "Inzage (AVG): alles wat over een huishouden is opgeslagen, met de audittrail."

    def add_arguments(self, parser):
        parser.add_argument("number", help="huishoudnummer, bijvoorbeeld MP-0001")
        parser.add_argument("--format", choices=["json", "html"], default="json")
        parser.add_argument("--output", "-o", help="bestand (standaard: scherm)")

    def handle(self, *args, **opts):
        import json

        household = Household.objects.filter(number=opts["number"]).first()
        if household is None:
            raise CommandError(f"Huishouden {opts['number']} bestaat niet.")
        report = build_report(household, actor=None, channel=f"commando {opts['format']}")
        if opts["format"] == "json":
            text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
        else:
            text = render_to_string(
                "security/inzage_document.html", {"household": household, "report": report}
            )
        if opts["output"]:
            with open(opts["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"Inzage van {household.number} geschreven naar {opts['output']}.")
        else:
            self.stdout.write(text)
