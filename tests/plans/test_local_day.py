"""Reminders on the worklist: an action due today is due, not overdue, until local
midnight, also late in the evening, around midnight and on the clock-change days."""

from __future__ import annotations

from datetime import timedelta

from maatpact.households.selectors import worklist_items
from maatpact.plans import services
from maatpact.plans.models import Action


def test_due_today_is_not_overdue_until_local_midnight(boundary, household, coordinator):
    today, yesterday = boundary.day, boundary.day - timedelta(days=1)
    plan = household.plan
    for what, due in (("Vandaag", today), ("Gisteren", yesterday)):
        services.add_action(coordinator, plan, what=what, who_kind=Action.Who.REGISSEUR, due_on=due)
    assert {a.what: a.is_overdue for a in Action.objects.filter(plan=plan)} == {
        "Vandaag": False,
        "Gisteren": True,
    }
    items = {i.label: i for i in worklist_items(coordinator) if i.kind == "actie"}
    assert items["Actie: Vandaag"].due == today and not items["Actie: Vandaag"].overdue
    assert items["Actie: Gisteren"].overdue
