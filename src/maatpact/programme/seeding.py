"""The demo programme: three phases as the seeds describe them, screenings at selection."""

from __future__ import annotations

from datetime import timedelta

from maatpact.accounts.models import Role, User
from maatpact.common.seeding import SeedContext
from maatpact.households.models import Cohort, Household
from maatpact.regions.models import Region

from . import selectors
from .models import Phase, Programme, Screening

# Screenings are recomputed per household (two queries each): the demo region gets them,
# a benchmark region of 100,000 households does not (its selection predates the check).
MAX_SCREENED = 2000


def seed(ctx: SeedContext) -> None:
    region = Region.objects.first()
    if region is None:
        return
    first_day = min((c.starts_on for c in Cohort.objects.all()), default=ctx.today)
    programme = Programme.objects.create(
        region=region,
        name="Maatpact Hart van Brabant",
        starts_on=first_day,
        planned_households=2600,
    )
    closes_on = first_day + timedelta(days=400)
    phase1 = Phase.objects.create(
        programme=programme,
        number=1,
        name="Leren met de eerste huishoudens",
        goal="Met de eerste 50 huishoudens leren wat werkt: één plan, één regisseur, "
        "het vrij besteedbare budget en het vastleggen van knelpunten.",
        starts_on=first_day,
        ends_on=first_day + timedelta(days=365),
        planned_households=50,
    )
    if closes_on < ctx.today and User.objects.filter(role=Role.PROGRAMMATEAM).exists():
        phase1.closed_on = closes_on
        phase1.closed_by = User.objects.filter(role=Role.PROGRAMMATEAM).order_by("pk").first()
        phase1.decided_by = "Stuurgroep Maatpact (synthetisch)"
        phase1.decision = "Fase 1 is afgerond; de aanpak gaat door naar fase 2 met partners."
        phase1.decision_basis = "Tussentijdse rapportage na het eerste jaar"
        phase1.save()
    Phase.objects.create(
        programme=programme,
        number=2,
        name="Groei met partners en Social Impact Bond",
        goal="Opschalen met zorgverzekeraars en woningcorporaties als partners.",
        starts_on=first_day + timedelta(days=180),
        planned_households=max(50, ctx.households_wanted * 3 // 10),
    )
    Phase.objects.create(
        programme=programme,
        number=3,
        name="Inbedding in de gemeentelijke praktijk",
        goal="Maatwerkartikelen in de verordeningen van elke gemeente; de aanpak als "
        "gewone werkwijze.",
        starts_on=first_day + timedelta(days=420),
        planned_households=2600,
    )
    _screenings(ctx, programme)


def _screenings(ctx: SeedContext, programme: Programme) -> None:
    selected = (
        Household.objects.filter(selected_on__isnull=False, cohort__isnull=False)
        .select_related("cohort")
        .order_by("pk")[:MAX_SCREENED]
    )
    phases = {p.number: p for p in programme.phases.all()}
    rows = []
    for household in selected:
        phase = phases.get(household.cohort.phase)
        found = selectors.findings(household, household.selected_on)
        meets = found.domains_found >= phase.min_domains and found.laws_found >= phase.min_laws
        rows.append(
            Screening(
                household=household,
                phase=phase,
                screened_on=household.selected_on,
                screened_by=None,
                min_domains=phase.min_domains,
                min_laws=phase.min_laws,
                domains_found=found.domains_found,
                laws_found=found.laws_found,
                assessment_on=found.assessment_on,
                result=Screening.Result.VOLDOET if meets else Screening.Result.AFWIJKING,
                override_reason=""
                if meets
                else "Synthetisch: geselecteerd op het oordeel van het team bij de aanmelding.",
            )
        )
    Screening.objects.bulk_create(rows, batch_size=1000)
