"""``maatpact load-instrument <file>``: add an instrument or a new version without code."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maatpact.assessments.loader import load_instrument, read_file


class Command(BaseCommand):
    help = (
        "Laadt een meetinstrument (één versie) uit een JSON-bestand. Een nieuwe versie wordt "
        "in gebruik genomen; oude metingen blijven bij hun eigen versie."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Pad naar het JSON-bestand (zie assessments/data/).")
        parser.add_argument(
            "--keep-older-active",
            action="store_true",
            help="Oudere versies van hetzelfde instrument niet buiten gebruik stellen.",
        )

    def handle(self, *args, **opts):
        try:
            instrument, created = load_instrument(
                read_file(opts["file"]), retire_older=not opts["keep_older_active"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{instrument} geladen met {instrument.domains.count()} leefgebieden."
                )
            )
        else:
            self.stdout.write(f"{instrument} stond er al; er is niets veranderd.")
