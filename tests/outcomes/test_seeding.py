import io

from django.core.management import call_command
from django.urls import reverse

from maatpact.accounts.models import User
from maatpact.outcomes.models import AchievedOutcome, Contract, HouseholdEvent


def test_seed_gives_a_demo_contract_with_verified_outcomes(db, client):
    call_command("seed", households=60, seed=5, no_progress=True, stdout=io.StringIO())
    contract = Contract.objects.get()
    assert HouseholdEvent.objects.exists()
    assert AchievedOutcome.objects.filter(status="geverifieerd").exists()
    assert AchievedOutcome.objects.filter(status="te_verifieren").exists()
    out = io.StringIO()
    call_command("evaluate-outcomes", stdout=out)
    assert "Nieuw: 0, bijgewerkt: 0, vervallen: 0" in out.getvalue()
    client.force_login(User.objects.get(username="financier.zorgverzekeraar"))
    html = client.get(reverse("outcomes:contract", args=[contract.pk])).content.decode()
    assert "Afrekening Zorgverzekeraar Zuid (fictief)" in html
    assert "Afrekening Woonstichting" not in html
    assert client.get(reverse("outcomes:projection", args=[contract.pk])).status_code == 200
    client.force_login(User.objects.get(username="programmateam"))
    assert "Te verifiëren" in client.get(reverse("outcomes:list")).content.decode()
