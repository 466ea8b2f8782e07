"""``maatpact escalate``: move overdue obstacles one level up (run daily by cron).

Idempotent: a moved obstacle gets a fresh deadline, so running it twice in a row
changes nothing the second time.
"""

from django.core.management.base import BaseCommand

from maatpact.obstacles.services import escalate_overdue


class Command(BaseCommand):
    help = "Escaleert knelpunten waarvan de termijn verstreken is één niveau hoger."

    def handle(self, *args, **opts):
        steps = escalate_overdue()
        for step in steps:
            self.stdout.write(f"  knelpunt {step.obstacle_id} -> {step.level.code}")
        self.stdout.write(self.style.SUCCESS(f"{len(steps)} knelpunt(en) geëscaleerd."))
