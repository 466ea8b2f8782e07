from django.core.management.base import BaseCommand, CommandError

from maatpact.audit.selectors import verify_chains
from maatpact.security.backup import restore


class Command(BaseCommand):
    help = (
        "Zet een reservekopie terug. VERVANGT alle gegevens in de database; "
        "bevestig met --ja. Controleert daarna de audittrail."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--ja", action="store_true", help="ja, vervang alle gegevens")

    def handle(self, *args, **opts):
        if not opts["ja"]:
            raise CommandError("Terugzetten vervangt alle gegevens. Bevestig met --ja.")
        try:
            restore(opts["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {exc}") from exc
        result = verify_chains()
        if not result.ok:
            for problem in result.problems[:20]:
                self.stderr.write(problem)
            raise CommandError(
                f"Teruggezet, maar de audittrail klopt niet: {len(result.problems)} afwijking(en)."
            )
        self.stdout.write(
            f"Teruggezet uit {opts['file']}; audittrail intact ({result.events} regels)."
        )
