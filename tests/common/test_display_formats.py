"""One voice on every page: amounts through ``euro``, dates through the ``datum`` family."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import engines

import maatpact

TEMPLATES = sorted(Path(maatpact.__file__).parent.glob("**/templates/**/*.html"))


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_date_family_in_dutch():
    day = date(2025, 3, 3)
    # 23:30 UTC on 2 March is 00:30 on 3 March in Amsterdam: moments show in local time
    moment = datetime(2025, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert _render("{{ d|datum }}", d=day) == "3 maart 2025"
    assert _render('{{ d|datum:"kort" }}', d=day) == "3 mrt 2025"
    assert _render('{{ d|datum:"maand" }}', d=day) == "maart 2025"
    assert _render('{{ m|datum:"tijd" }}', m=moment) == "3 maart 2025 00:30"
    assert _render('{{ m|datum:"kort tijd" }}', m=moment) == "3 mrt 2025 00:30"
    assert _render('{{ d|datum|default:"—" }}', d=None) == "—"


def test_amounts_through_one_filter_without_load():
    assert _render("{{ a|euro }}", a=Decimal("3200")) == "€ 3.200,00"
    assert _render("{{ a|euro }}", a=1234.567) == "€ 1.234,57"  # an estimate (float)


def test_no_template_formats_dates_or_amounts_its_own_way():
    offenders = []
    own = re.compile(r"\|date\b|\|time\b|\|intcomma|\|localize")
    for path in TEMPLATES:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if own.search(line):
                offenders.append(f"{path.relative_to(path.parents[3])}:{n}")
    assert not offenders, "\n".join(offenders)
