from django.core.management.base import BaseCommand, CommandError

from maatpact.audit.selectors import verify_chains


class Command(BaseCommand):
    help = "Controleert de hashketens van de audittrail (faalt bij wijziging of verwijdering)."

    def handle(self, *args, **options):
        result = verify_chains()
        if not result.ok:
            for problem in result.problems[:100]:
                self.stderr.write(problem)
            raise CommandError(f"Audittrail NIET intact: {len(result.problems)} afwijking(en).")
        self.stdout.write(f"Audittrail intact: {result.events} regels in {result.chains} ketens.")
