from datetime import date

from django.core.management.base import BaseCommand, CommandError

from maatpact.outcomes import services


class Command(BaseCommand):
    help = "Past alle resultaatregels toe op alle gestarte huishoudens (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--peildatum", help="JJJJ-MM-DD; standaard vandaag.")

    def handle(self, *args, **opts):
        as_of = None
        if opts.get("peildatum"):
            try:
                as_of = date.fromisoformat(opts["peildatum"])
            except ValueError as exc:
                raise CommandError("Geef de peildatum als JJJJ-MM-DD.") from exc
        summary = services.evaluate_outcomes(as_of=as_of)
        self.stdout.write(
            f"Nieuw: {summary.created}, bijgewerkt: {summary.updated}, "
            f"vervallen: {summary.removed}, ongewijzigd: {summary.unchanged}."
        )
