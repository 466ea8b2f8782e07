"""``maatpact report-check``: every figure of the interim report, computed twice."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from maatpact.accounts.models import Role, User
from maatpact.common import dates
from maatpact.reports.check import check_report
from maatpact.reports.context import build_context


def _period(text: str) -> tuple[date, date]:
    try:
        start, end = (date.fromisoformat(part) for part in text.split(":"))
    except ValueError as exc:
        raise CommandError(f"Periode als JJJJ-MM-DD:JJJJ-MM-DD, niet {text!r}.") from exc
    if start > end:
        raise CommandError("De einddatum ligt vóór de begindatum.")
    return start, end


class Command(BaseCommand):
    help = (
        "Rekent elk cijfer van de tussentijdse rapportage (zoals het programmateam die ziet) "
        "een tweede keer uit, in eenvoudige Python over de losse rijen, en toont elk "
        "verschil. Faalt (exitcode 1) bij een verschil."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            action="append",
            type=_period,
            help="JJJJ-MM-DD:JJJJ-MM-DD (vaker te geven); standaard het afgelopen jaar tot "
            "en met vandaag, zoals de rapportagepagina",
        )
        parser.add_argument(
            "--gemeente",
            action="append",
            help="CBS-code (vaker te geven), of 'alle' voor de regio en elke gemeente apart; "
            "standaard de hele regio",
        )

    def handle(self, *args, **options):
        today = dates.today()
        periods = options["period"] or [(today - timedelta(days=365), today)]
        users = list(
            User.objects.filter(role=Role.PROGRAMMATEAM, is_active=True).order_by("region_id", "pk")
        )
        if not users:
            raise CommandError("Geen actieve gebruiker van het programmateam: geen rapportage.")
        differences = compared = 0
        skipped: list[str] = []
        memo: dict = {}  # the regional savings check, once per period
        for user in {u.region_id: u for u in reversed(users)}.values():
            for scope in self._scopes(user, options["gemeente"]):
                for start, end in periods:
                    result = check_report(build_context(user, start, end, scope), memo=memo)
                    name = scope.name if scope else f"regio {user.region}"
                    compared += result.compared
                    differences += len(result.differences)
                    skipped = result.skipped
                    self.stdout.write(
                        f"{name}, {start:%d-%m-%Y} t/m {end:%d-%m-%Y}: {result.compared} "
                        f"cijfers, {len(result.differences)} verschil(len)"
                    )
                    for difference in result.differences[:200]:
                        self.stderr.write(f"  VERSCHIL {difference}")
        for line in skipped:
            self.stdout.write(f"Niet nagerekend: {line}")
        if differences:
            raise CommandError(
                f"Rapportage klopt NIET: {differences} verschil(len) in {compared} cijfers."
            )
        self.stdout.write(self.style.SUCCESS(f"Rapportage klopt: {compared} cijfers nagerekend."))

    def _scopes(self, user: User, wanted: list[str] | None):
        from maatpact.accounts import policies

        allowed = policies.report_municipalities(user).order_by("name")
        if not wanted:
            return [None]
        if "alle" in wanted:
            return [None, *allowed]
        found = list(allowed.filter(cbs_code__in=wanted))
        missing = set(wanted) - {m.cbs_code for m in found}
        if missing:
            raise CommandError(f"Onbekende gemeente(n): {', '.join(sorted(missing))}.")
        return found
