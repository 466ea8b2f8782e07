"""Amounts typed the Dutch way, refused when odd or ambiguous, shown one way (issue 15),
and no scientific notation for money anywhere (issue 19, "1e3")."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

import maatpact
from maatpact.common.forms import MoneyField
from maatpact.common.money import euro, euro_input, parse_dutch_amount, to_money


@pytest.mark.parametrize(
    ("typed", "euros"),
    [
        ("3.200,00", "3200.00"),
        ("3200", "3200.00"),
        ("3200,5", "3200.50"),
        ("€ 3.200", "3200.00"),
        ("€3.200,-", "3200.00"),
        ("  1.234.567,89 ", "1234567.89"),
        ("0,05", "0.05"),
        ("10 euro", "10.00"),
        ("EUR 10,10", "10.10"),
        ("EUR10", "10.00"),
        ("3.200 €", "3200.00"),
        ("\u20ac\u00a0450", "450.00"),
    ],
)
def test_dutch_amounts_are_read_as_typed(typed, euros):
    assert parse_dutch_amount(typed) == Decimal(euros)


@pytest.mark.parametrize(
    "typed",
    [
        "3,200.00",
        "3.20",
        "3200.50",
        "1e3",
        "1E3",
        "NaN",
        "Infinity",
        "-Infinity",
        "12,345",
        "3.2000",
        "1_000",
        ",50",
        "3 200,00 euro extra",
        "0x10",
        "",
        "€",
    ],
)
def test_odd_or_ambiguous_amounts_are_refused_in_dutch(typed):
    with pytest.raises(ValueError, match="Vul een bedrag in euro in"):
        parse_dutch_amount(typed)


@pytest.mark.parametrize("value", ["1e3", "1E+3", "NaN", "Infinity", "1_000", " ", "3,200.00"])
def test_machine_amounts_refuse_scientific_notation(value):
    with pytest.raises(ValueError):
        to_money(value)


def test_machine_amounts_keep_decimals():
    assert to_money("3200.50") == Decimal("3200.50")
    assert to_money(Decimal("7")) == Decimal("7.00")
    with pytest.raises(TypeError):
        to_money(3200.5)


def test_one_display_format():
    # hand-written expectations, not derived from the code under test
    assert euro(Decimal("3200")) == "€ 3.200,00"
    assert euro(Decimal("-1234567.5")) == "-€ 1.234.567,50"
    assert euro(Decimal("0.004")) == "€ 0,00"
    assert euro(Decimal("-0.004")) == "€ 0,00"
    assert euro_input(Decimal("3200.50")) == "3.200,50"


@pytest.mark.parametrize(
    "stored",
    [
        Decimal("0.00"),
        Decimal("0.05"),
        Decimal("999.99"),
        Decimal("3200.50"),
        Decimal("1234567.89"),
    ],
)
def test_money_field_reads_back_what_it_shows(stored):
    field = MoneyField()
    shown = field.prepare_value(stored)
    assert field.clean(shown) == stored
    assert not field.has_changed(stored, shown)


def test_money_field_limits_and_empty():
    field = MoneyField(min_value=Decimal("0"), required=False)
    assert field.clean("") is None
    with pytest.raises(Exception, match="negatief"):
        field.clean("-5")


MONEY_WORDS = ("euro", "bedrag", "kosten", "prijs", "plafond", "schade")
NOT_MONEY = ("duur", "fractie", "percent", "%", "maanden", "aantal")


def _label(call: ast.Call) -> str:
    for keyword in call.keywords:
        if keyword.arg == "label":
            try:
                return str(ast.literal_eval(keyword.value))
            except ValueError:  # an f-string label: take its literal parts
                return "".join(
                    part.value
                    for part in ast.walk(keyword.value)
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                )
    return ""


def test_every_money_field_of_every_form_is_a_money_field():
    """A form field labelled as an amount is never a plain DecimalField or CharField: it
    would refuse "3.200,00" or accept "1e3". Found by reading every app's forms.py."""
    offenders = []
    for path in sorted(Path(maatpact.__file__).parent.glob("*/forms.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("DecimalField", "CharField", "FloatField", "IntegerField"):
                continue
            label = _label(node).lower()
            money = "euro" in label or label.startswith(MONEY_WORDS)
            if money and not any(w in label for w in NOT_MONEY):
                offenders.append(f"{path.parent.name}/forms.py:{node.lineno} {label!r}")
    assert not offenders, "\n".join(offenders)


def test_every_date_field_of_every_form_follows_the_convention():
    """A plain ``forms.DateField`` or ``forms.DateInput`` renders the locale format or
    needs its own ISO format: every form uses ``common.forms.DateField``/``DateInput``."""
    offenders = []
    for path in sorted(Path(maatpact.__file__).parent.glob("*/forms.py")):
        if path.parent.name == "common":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("DateField", "DateInput", "TimeField", "DateTimeField")
                and isinstance(node.value, ast.Name)
                and node.value.id == "forms"
            ):
                offenders.append(f"{path.parent.name}/forms.py:{node.lineno} forms.{node.attr}")
    assert not offenders, "\n".join(offenders)
