from django.core.management.base import BaseCommand, CommandError

from maatpact.security.backup import backup


class Command(BaseCommand):
    help = "Maakt een reservekopie van alle gegevens (JSON, .json.gz voor gecomprimeerd)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="bijvoorbeeld var/backup-2026-11-25.json.gz")

    def handle(self, *args, **opts):
        try:
            path = backup(opts["file"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Reservekopie geschreven: {path} ({path.stat().st_size} bytes).")
