from django.core.management.base import BaseCommand, CommandError

from maatpact.security.retention import cutoff_date, households_due, retention_months, run_retention


class Command(BaseCommand):
    help = (
        "Anonimiseert huishoudens die langer dan de bewaartermijn zijn afgesloten "
        "(MAATPACT['RETENTION_MONTHS']). Veilig om vaker te draaien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, help="bewaartermijn in maanden (overschrijft)")
        parser.add_argument("--dry-run", action="store_true", help="alleen tellen")

    def handle(self, *args, **opts):
        months = opts["months"] if opts["months"] is not None else retention_months()
        if months < 1:
            raise CommandError("De bewaartermijn moet ten minste 1 maand zijn.")
        cutoff = cutoff_date(months=months)
        if opts["dry_run"]:
            n = households_due(months=months).count()
            self.stdout.write(f"{n} huishouden(s) afgesloten op of voor {cutoff} (proefdraai).")
            return
        result = run_retention(months=months)
        self.stdout.write(
            f"{result.households} huishouden(s) geanonimiseerd (afgesloten op of voor {cutoff}); "
            f"{result.fields} velden gewist."
        )
