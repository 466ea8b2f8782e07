from django.core.management.base import BaseCommand, CommandError

from maatpact.audit.selectors import verify_chains


class Command(BaseCommand):
    help = (
        "Controleert de audittrail: de gesleutelde hashketens en de ankers buiten de "
        "database (faalt bij wijziging, verwijdering, ingekorte of verdwenen ketens)."
    )

    def handle(self, *args, **options):
        result = verify_chains()
        for warning in result.warnings:
            self.stdout.write(f"Let op: {warning}")
        if not result.ok:
            for problem in result.problems[:100]:
                self.stderr.write(problem)
            raise CommandError(f"Audittrail NIET intact: {len(result.problems)} afwijking(en).")
        self.stdout.write(
            f"Audittrail intact: {result.events} regels in {result.chains} ketens, "
            f"gecontroleerd tegen {result.anchors} anker(s)."
        )
