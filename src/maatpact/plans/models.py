"""The one plan (perspectiefplan) per household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from maatpact.common import dates


class Plan(models.Model):
    # OneToOne: the database refuses a second plan for a household.
    household = models.OneToOneField(
        "households.Household", on_delete=models.CASCADE, related_name="plan"
    )
    # The two questions, answered in the household's own words.
    future_in_own_words = models.TextField("Waar wil je over een jaar staan?", blank=True)
    first_need_in_own_words = models.TextField("Wat is er als eerste nodig?", blank=True)
    agreed_on = models.DateField("afgesproken met het huishouden op", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "perspectiefplan"
        verbose_name_plural = "perspectiefplannen"

    def __str__(self) -> str:
        return f"Plan {self.household_id}"


class Goal(models.Model):
    """A goal per life domain, in the household's own plain words."""

    class Status(models.TextChoices):
        OPEN = "open", "Nog niet begonnen"
        BEZIG = "bezig", "Mee bezig"
        BEREIKT = "bereikt", "Bereikt"
        GESTOPT = "gestopt", "Gestopt"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain_code = models.SlugField("leefgebied", max_length=40)
    description = models.TextField("doel (in eigen woorden)")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.OPEN)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "doel"
        verbose_name_plural = "doelen"
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class Action(models.Model):
    """Who does what by when, optionally towards one goal."""

    class Who(models.TextChoices):
        REGISSEUR = "regisseur", "Regisseur"
        GEZINSLID = "gezinslid", "Iemand uit het gezin"
        PARTNER = "partnerorganisatie", "Partnerorganisatie"

    class Status(models.TextChoices):
        OPEN = "open", "Nog te doen"
        BEZIG = "bezig", "Mee bezig"
        GEDAAN = "gedaan", "Gedaan"
        VERVALLEN = "vervallen", "Niet meer nodig"

    OPEN_STATUSES = (Status.OPEN, Status.BEZIG)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal,
        verbose_name="bij doel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    who_kind = models.CharField("wie", max_length=20, choices=Who.choices)
    who = models.CharField("naam of functie", max_length=120, blank=True)
    organisation = models.ForeignKey(
        "regions.Organisation",
        verbose_name="organisatie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    what = models.TextField("wat")
    due_on = models.DateField("uiterlijk op", null=True, blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("gedaan op", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "actie"
        verbose_name_plural = "acties"
        ordering = ["plan", "due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["open", "bezig"]),
                name="action_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(who_kind="partnerorganisatie") | Q(organisation__isnull=False),
                name="action_partner_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def is_overdue(self) -> bool:

        return (
            self.due_on is not None
            and self.status in self.OPEN_STATUSES
            and self.due_on < dates.today()
        )


class PlanChange(models.Model):
    """One versioned change of the plan, a goal or an action: who, when, old -> new per field.

    Rows are only ever added; the history page and the API read them back. ``diff`` maps a
    field name to ``[old, new]`` as display text, so the history stays readable after a
    goal or action is removed.
    """

    class Kind(models.TextChoices):
        AANGEMAAKT = "aangemaakt", "Aangemaakt"
        GEWIJZIGD = "gewijzigd", "Gewijzigd"
        VERWIJDERD = "verwijderd", "Verwijderd"

    class Subject(models.TextChoices):
        PLAN = "plan", "Plan"
        DOEL = "doel", "Doel"
        ACTIE = "actie", "Actie"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField("versie")
    subject = models.CharField("onderdeel", max_length=8, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField("nummer onderdeel")
    kind = models.CharField("soort wijziging", max_length=12, choices=Kind.choices)
    diff = models.JSONField("wijzigingen", default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("op")

    class Meta:
        verbose_name = "planwijziging"
        verbose_name_plural = "planwijzigingen"
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_change_version"),
        ]

    @property
    def labelled_diff(self) -> list[tuple[str, list[str]]]:
        """The diff with each field's Dutch label, for the history page."""
        return [(label, values) for _, label, values in self.labelled_fields()]

    def labelled_fields(self) -> list[tuple[str, str, list[str]]]:
        """(field name, Dutch label, [old, new]) for each changed field."""
        model = {"plan": Plan, "doel": Goal, "actie": Action}[self.subject]
        labels = {
            f.name: str(f.verbose_name)
            for f in model._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        return [(name, labels.get(name, name), values) for name, values in self.diff.items()]
