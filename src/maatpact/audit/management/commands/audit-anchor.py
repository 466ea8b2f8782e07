from django.core.management.base import BaseCommand, CommandError

from maatpact.audit.anchors import AnchorRefused, write_anchor


class Command(BaseCommand):
    help = (
        "Schrijft het anker van deze periode: de koppen van alle auditketens, met "
        "Merkle-wortel en handtekening, in een nieuw bestand buiten de database. "
        "Idempotent: een tweede keer in dezelfde periode doet niets. Elk uur draaien "
        "(MAATPACT_AUDIT_ANCHOR_MINUTES)."
    )

    def handle(self, *args, **options):
        try:
            result = write_anchor()
        except AnchorRefused as refused:
            for problem in refused.problems[:100]:
                self.stderr.write(problem)
            raise CommandError(
                f"Geen anker geschreven: de audittrail wijkt af ({len(refused.problems)} "
                "afwijking(en)). Onderzoek dit eerst (maatpact audit-verify)."
            ) from refused
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if result.written:
            self.stdout.write(
                f"Anker {result.period} geschreven: {result.chains} ketens, "
                f"{result.changed} gewijzigd sinds het vorige anker ({result.path})."
            )
        else:
            self.stdout.write(f"Anker {result.period} bestond al; niets gedaan ({result.path}).")
