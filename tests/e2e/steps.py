"""Journey steps, one function each, so later features append their own steps.

A journey is a list of calls; each step leaves the browser on a page, checks what a
person would check, saves a screenshot and runs the accessibility scan there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, AXE

SERIOUS = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Journey:
    """What the steps share: the page, the names of screenshots, found problems."""

    page: Page
    name: str
    shots: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    household_number: str = ""

    def checkpoint(self, label: str) -> None:
        """Screenshot plus axe-core scan of the current page."""
        path = ARTIFACTS / f"{self.name}-{len(self.shots) + 1:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path.name)
        for problem in accessibility_problems(self.page):
            self.violations.append(f"{label}: {problem}")


def accessibility_problems(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))
            }));
        }""",
        AXE_TAGS,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(v['nodes'])})"
        for v in result
        if v["impact"] in SERIOUS
    ]


# --- Steps ---------------------------------------------------------------------


def log_in(j: Journey, username: str, password: str) -> None:
    j.page.goto("/inloggen/")
    expect(j.page.get_by_role("heading", name="Inloggen")).to_be_visible()
    j.checkpoint("inloggen")
    j.page.get_by_label("Gebruikersnaam").fill(username)
    j.page.get_by_label("Wachtwoord").fill(password)
    j.page.get_by_role("button", name="Inloggen").click()
    expect(j.page.get_by_role("button", name="Uitloggen")).to_be_visible()


def wrong_password_shows_message(j: Journey, username: str) -> None:
    j.page.goto("/inloggen/")
    j.page.get_by_label("Gebruikersnaam").fill(username)
    j.page.get_by_label("Wachtwoord").fill("fout-wachtwoord")
    j.page.get_by_role("button", name="Inloggen").click()
    expect(j.page.get_by_role("alert")).to_contain_text("klopt niet")
    j.checkpoint("inloggen-fout")


def open_worklist(j: Journey) -> None:
    j.page.goto("/mijn-huishoudens/")
    expect(j.page.get_by_role("heading", name="Mijn huishoudens", level=1)).to_be_visible()
    j.checkpoint("werklijst")


def intake(j: Journey, *, street: str = "Heuvelring", last_name: str = "Voorbeeld") -> None:
    """Register a household with two members; ends on its household page."""
    j.page.get_by_role("link", name="Huishouden aanmelden").first.click()
    expect(j.page.get_by_role("heading", name="Huishouden aanmelden")).to_be_visible()
    j.checkpoint("aanmelden")
    # Submitting empty first: the form comes back with clear messages.
    j.page.get_by_role("button", name="Aanmelden").click()
    expect(j.page.locator(".field-error").first).to_be_visible()
    j.checkpoint("aanmelden-fouten")
    j.page.get_by_label("Straat").fill(street)
    j.page.get_by_label("Huisnummer").fill("12")
    j.page.get_by_label("Postcode").fill("5038 CD")
    j.page.get_by_label("Woonplaats").fill("Tilburg")
    # A side action keeps what was typed (issue 15): one more member row, address intact.
    j.page.get_by_label("Aantal gezinsleden").select_option("3")
    j.page.get_by_role("button", name="Pas aantal aan").click()
    expect(j.page.get_by_role("group", name="Gezinslid 3")).to_be_visible()
    expect(j.page.get_by_label("Straat")).to_have_value(street)
    expect(j.page.get_by_label("Postcode")).to_have_value("5038 CD")
    expect(j.page.locator(".field-error")).to_have_count(0)
    first = j.page.get_by_role("group", name="Gezinslid 1")
    first.get_by_label("Voornaam").fill("Fictief")
    first.get_by_label("Achternaam").fill(last_name)
    first.get_by_label("Geboortedatum").fill("1984-02-03")
    first.get_by_label("Rol in het huishouden").select_option("aanvrager")
    j.page.get_by_role("button", name="Aanmelden").click()
    heading = j.page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"Huishouden MP-\d{4}"))
    j.household_number = heading.inner_text().split()[-1]
    expect(j.page.get_by_role("status")).to_contain_text("is aangemeld")


def household_page(j: Journey) -> None:
    j.page.goto(f"/huishoudens/{j.household_number}/")
    expect(j.page.get_by_role("heading", name=f"Huishouden {j.household_number}")).to_be_visible()
    expect(j.page.get_by_role("heading", name="Gezinsleden")).to_be_visible()
    j.checkpoint("huishouden")


def change_status(j: Journey, status_label: str, *, cohort: str = "", reason: str = "") -> None:
    j.page.get_by_label("Nieuwe status").select_option(label=status_label)
    if cohort:
        j.page.get_by_label("Cohort (bij selectie)").select_option(label=cohort)
    if reason:
        j.page.get_by_label("Reden", exact=True).fill(reason)
    j.page.get_by_role("button", name="Status wijzigen").click()
    expect(j.page.get_by_role("status")).to_contain_text("De status is gewijzigd")
    expect(j.page.locator("dl .badge")).to_have_text(status_label)  # the status, not a panel
    j.checkpoint(f"status-{status_label.lower()}")


# Case pages of the households (assessments, plan, provisions): each is opened from
# the household page and scanned; the interactive steps of those features append here.
CASE_PAGES = [
    ("metingen", "metingen/"),
    ("meting-nieuw", "metingen/nieuw/"),
    ("plan", "plan/"),
    ("plan-bewerken", "plan/bewerken/"),
    ("doel-nieuw", "plan/doelen/nieuw/"),
    ("actie-nieuw", "plan/acties/nieuw/"),
    ("plan-geschiedenis", "plan/geschiedenis/"),
    ("voorzieningen", "voorzieningen/"),
    ("voorziening-nieuw", "voorzieningen/nieuw/"),
]


def case_pages(j: Journey) -> None:
    """Open every case page of the household; each must load and pass the scan."""
    for label, suffix in CASE_PAGES:
        response = j.page.goto(f"/huishoudens/{j.household_number}/{suffix}")
        assert response is not None and response.status == 200, (label, response)
        expect(j.page.get_by_role("heading", level=1)).not_to_be_empty()
        j.checkpoint(label)


def plan_edit_round_trip(j: Journey) -> None:
    """Issue 15: the agreed date survives saving the plan unchanged in a real browser."""
    url = f"/huishoudens/{j.household_number}/plan/bewerken/"
    j.page.goto(url)
    j.page.get_by_label("Waar wil je over een jaar staan?").fill("Rust in huis (fictief)")
    j.page.get_by_label("Afgesproken met het huishouden op").fill("2025-03-01")
    j.page.get_by_role("button", name="Opslaan").click()
    expect(j.page.get_by_role("status")).to_contain_text("Het plan is bijgewerkt")
    j.page.goto(url)
    expect(j.page.get_by_label("Afgesproken met het huishouden op")).to_have_value("2025-03-01")
    j.page.get_by_role("button", name="Opslaan").click()  # unchanged
    expect(j.page.get_by_role("status")).to_contain_text("Het plan is bijgewerkt")
    j.page.goto(url)
    expect(j.page.get_by_label("Afgesproken met het huishouden op")).to_have_value("2025-03-01")
    j.checkpoint("plan-rondgang")


def escalate_with_reason_and_confirmation(j: Journey, reason: str) -> None:
    """Raise an obstacle, then escalate it: the reason is asked, then a confirmation."""
    j.page.goto(f"/huishoudens/{j.household_number}/")
    j.page.get_by_role("link", name="Knelpunt melden").click()
    j.page.get_by_label("Wat blokkeert de oplossing?").fill("Wachtlijst schuldhulp (fictief)")
    j.page.get_by_label("Schade (euro)").fill("1.250,50")
    j.page.get_by_role("button", name="Knelpunt melden").click()
    expect(j.page.get_by_role("status")).to_contain_text("is gemeld")
    expect(j.page.get_by_role("main")).to_contain_text("1.250,50")
    j.page.get_by_label("Reden van de escalatie").fill(reason)
    j.page.get_by_role("button", name="Escaleren").click()
    expect(j.page.get_by_role("heading", level=1)).to_contain_text("Escaleren naar")
    expect(j.page.get_by_role("main")).to_contain_text(reason)
    j.checkpoint("escaleren-bevestigen")
    j.page.get_by_role("button", name="Ja, escaleren").click()
    expect(j.page.get_by_role("status")).to_contain_text("geëscaleerd")
    j.checkpoint("geescaleerd")


def close_household_with_confirmation(j: Journey, reason: str) -> None:
    """Closing asks first: the confirmation page names the reason; only "Ja" closes."""
    j.page.goto(f"/huishoudens/{j.household_number}/")
    j.page.get_by_label("Nieuwe status").select_option(label="Afgesloten")
    j.page.get_by_label("Reden", exact=True).fill(reason)
    j.page.get_by_role("button", name="Status wijzigen").click()
    expect(j.page.get_by_role("heading", level=1)).to_contain_text("afsluiten?")
    expect(j.page.get_by_role("main")).to_contain_text(reason)
    j.checkpoint("afsluiten-bevestigen")
    j.page.get_by_role("button", name="Ja, afsluiten").click()
    expect(j.page.get_by_role("status")).to_contain_text("De status is gewijzigd")
    expect(j.page.locator("dl .badge")).to_have_text("Afgesloten")


def subject_access(j: Journey) -> None:
    j.page.goto(f"/huishoudens/{j.household_number}/")
    j.page.get_by_role("link", name="Maak een inzage").click()
    expect(j.page.get_by_role("heading", name=f"Inzage — {j.household_number}")).to_be_visible()
    expect(
        j.page.get_by_role("heading", name=re.compile("Wie heeft deze gegevens ingezien"))
    ).to_be_visible()
    j.checkpoint("inzage")


def two_factor_setup_page(j: Journey) -> None:
    j.page.goto("/tweestaps/instellen/")
    expect(j.page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    expect(j.page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    j.checkpoint("tweestaps")


def municipality_overview(j: Journey) -> None:
    j.page.goto("/gemeente/")
    expect(j.page.get_by_role("heading", level=1)).to_contain_text("Huishoudens in")
    j.checkpoint("gemeente")


def hand_over(j: Journey, new_coordinator: str, reason: str) -> None:
    j.page.goto(f"/huishoudens/{j.household_number}/")
    j.page.get_by_role("link", name="Regie overdragen").click()
    expect(j.page.get_by_role("heading", level=1)).to_contain_text("Regie overdragen")
    j.checkpoint("overdracht")
    j.page.get_by_label("Nieuwe regisseur").select_option(label=new_coordinator)
    j.page.get_by_label("Reden van de overdracht").fill(reason)
    j.page.get_by_role("button", name="Overdragen").click()
    expect(j.page.get_by_role("status")).to_contain_text("De regie is overgedragen")
    expect(j.page.locator("#paneel-coordination")).to_contain_text(new_coordinator)
    j.checkpoint("overdracht-klaar")


def log_out(j: Journey) -> None:
    j.page.get_by_role("button", name="Uitloggen").click()
    expect(j.page.get_by_role("heading", name="Inloggen")).to_be_visible()
