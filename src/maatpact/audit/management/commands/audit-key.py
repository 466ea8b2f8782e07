from django.core.management.base import BaseCommand

from maatpact.audit.keys import keyring, new_secret


class Command(BaseCommand):
    help = (
        "Toont de sleutel-id's van de audittrail met de publieke sleutels waarmee "
        "ankers te controleren zijn; --nieuw geeft een regel voor een nieuwe sleutel."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--nieuw",
            action="store_true",
            help="Druk 'id:geheim' af voor de volgende sleutel (voeg toe aan het sleutelbestand).",
        )

    def handle(self, *args, nieuw=False, **options):
        ring = keyring()
        if nieuw:
            next_id = 1 if ring.derived else max(ring.keys) + 1
            self.stdout.write(f"{next_id}:{new_secret()}")
            return
        for key_id in sorted(ring.keys):
            marker = " (huidig)" if key_id == ring.current_id else ""
            derived = " (afgeleid van SECRET_KEY, alleen demo)" if ring.derived else ""
            self.stdout.write(
                f"sleutel {key_id}{marker}{derived}: publieke ankersleutel "
                f"{ring.public_key_text(key_id)}"
            )
