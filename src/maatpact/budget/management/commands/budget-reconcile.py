from django.core.management.base import BaseCommand, CommandError

from maatpact.budget.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "Controleert het doorbraakbudget: fonds = som van de toewijzingen, saldi = som van "
        "de boekingen, geen boeking gewijzigd (hashketen). Faalt bij elk verschil."
    )

    def handle(self, *args, **options):
        result = reconcile()
        if not result.ok:
            for problem in result.problems[:200]:
                self.stderr.write(problem)
            if len(result.problems) > 200:
                self.stderr.write(f"... en nog {len(result.problems) - 200} afwijking(en)")
            raise CommandError(f"Budget klopt NIET: {len(result.problems)} afwijking(en) gevonden.")
        self.stdout.write(
            f"Budget klopt: {result.funds} fonds(en), {result.allocations} toewijzingen, "
            f"{result.entries} boekingen, {result.spends} uitgaven."
        )
