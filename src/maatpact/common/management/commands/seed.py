import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from maatpact.common import dates
from maatpact.common.seeding import DEMO_PASSWORD, SeedContext, seeders


class Command(BaseCommand):
    help = "Vult de database met een deterministische synthetische regio (geen echte personen)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2019)
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument(
            "--if-empty", action="store_true", help="Niets doen als er al huishoudens zijn."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        from maatpact.households.models import Household

        if opts["households"] < 1 or opts["years"] < 1:
            raise CommandError("--households en --years moeten ten minste 1 zijn.")
        if Household.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("Er zijn al huishoudens; de demodata staat klaar.")
                self._print_logins()
                return
            raise CommandError("De database bevat al huishoudens. Gebruik een lege database.")
        ctx = SeedContext(
            households_wanted=opts["households"],
            seed=opts["seed"],
            years=opts["years"],
            today=dates.today(),
            progress=not opts["no_progress"],
        )
        for label, seed in seeders():
            started = time.monotonic()
            with transaction.atomic():
                seed(ctx)
            self.stdout.write(f"  {label:<14} {time.monotonic() - started:6.1f} s")
        from maatpact.common.versions import ALL_SOURCES, data_changed

        data_changed(*ALL_SOURCES)  # bulk loads bypass the services: no cached figure survives
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner uses the indexes on the bulk-loaded tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"{len(ctx.households)} synthetische huishoudens geladen.")
        )
        self._print_logins()

    def _print_logins(self):
        from maatpact.accounts.models import User

        self.stdout.write(f"\nDemo-inloggegevens (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        shown = set()
        for user in User.objects.filter(username__in=DEMO_LOGINS).order_by("role"):
            if user.role in shown:
                continue
            shown.add(user.role)
            where = user.municipality or user.organisation or "regio"
            self.stdout.write(f"  {user.get_role_display():<14} {user.username:<32} ({where})")


DEMO_LOGINS = [
    "regisseur.tilburg.1",
    "teamleider.tilburg",
    "programmateam",
    "analist",
    "financier.zorgverzekeraar",
    "beheerder",
]
