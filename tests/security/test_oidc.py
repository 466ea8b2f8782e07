"""Issue 14: staff sign in through the municipality's identity provider (OpenID Connect).

Against a real provider: django-oauth-toolkit's OIDC provider, started by this module in
a second process (``tests/oidc_provider``) with its own database and RSA key. The whole
authorization-code flow runs over HTTP: Maatpact redirects to the provider, the user
signs in there, the provider redirects back with a code, and Maatpact's callback
exchanges it (PKCE), checks the RS256 id token against the provider's JWKS and reads
the claims. No part of the client library is mocked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from maatpact.accounts.models import Role, User
from maatpact.accounts.oidc import IDP_MFA_SESSION_KEY

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "maatpact-test"
CLIENT_SECRET = "geheim-alleen-voor-de-test"
REDIRECT_URI = "http://testserver/oidc/callback/"
USERS = ("anna", "bram", "carla", "daan", "eva")
BASE_CLAIMS = {"given_name": "Fictief", "family_name": "Medewerker", "email": "x@example.org"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider process: migrated, Maatpact registered, five users; claims per test."""
    tmp = tmp_path_factory.mktemp("oidc")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    claims_file = tmp / "claims.json"
    claims_file.write_text("{}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "PROVIDER_DB": str(tmp / "provider.sqlite3"),
        "PROVIDER_RSA_KEY": pem,
        "PROVIDER_CLAIMS": str(claims_file),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.bootstrap", CLIENT_ID, CLIENT_SECRET,
         REDIRECT_URI, *USERS],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload",
         "--skip-checks"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/o/.well-known/jwks.json", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("de OIDC-provider start niet")
        yield {"base": base, "claims": claims_file}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def rp(provider, settings):
    """Maatpact configured as the provider's client (region Hart van Brabant, 2FA on)."""
    base = provider["base"]
    with override_settings(
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{base}/o/authorize/",
        OIDC_OP_TOKEN_ENDPOINT=f"{base}/o/token/",
        OIDC_OP_USER_ENDPOINT=f"{base}/o/userinfo/",
        OIDC_OP_JWKS_ENDPOINT=f"{base}/o/.well-known/jwks.json",
        MAATPACT_OIDC={"REGION": "hart-van-brabant"},
        MAATPACT_REQUIRE_2FA=True,
    ):
        yield provider


def _claims(provider, username: str, **claims) -> None:
    data = json.loads(provider["claims"].read_text())
    data[username] = {**BASE_CLAIMS, **claims}
    provider["claims"].write_text(json.dumps(data))


def _sign_in(client, provider, username: str):
    """The whole flow; returns Maatpact's answer to the callback."""
    start = client.get("/oidc/start/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider["base"] + "/o/authorize/")
    browser = requests.Session()
    signed_in = browser.post(
        f"{provider['base']}/login/",
        data={"username": username, "password": "wachtwoord-idp"},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302
    back = browser.get(authorize, allow_redirects=False)
    assert back.status_code == 302, back.text[:300]
    callback = urlsplit(back.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == REDIRECT_URI
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_a_coordinator_signs_in_with_the_providers_mfa(client, rp):
    _claims(rp, "anna", maatpact_rol="regisseur", gemeente="GM0855", amr=["pwd", "mfa"])
    response = _sign_in(client, rp, "anna")
    assert response.status_code == 302
    user = User.objects.get(username__startswith="oidc-")
    assert user.role == Role.REGISSEUR and user.municipality.name == "Tilburg"
    assert not user.has_usable_password()
    assert client.session[IDP_MFA_SESSION_KEY] is True
    # The provider's second factor counts: the worklist opens without a TOTP step.
    assert client.get("/mijn-huishoudens/").status_code == 200


@pytest.mark.django_db
def test_without_the_providers_mfa_the_local_second_factor_is_asked(client, rp):
    _claims(rp, "bram", maatpact_rol="analist", amr=["pwd"])
    response = _sign_in(client, rp, "bram")
    assert response.status_code == 302
    assert User.objects.get(username__startswith="oidc-").role == Role.ANALIST
    page = client.get("/dashboard/")
    assert page.status_code == 302 and "/tweestaps/" in page["Location"]


@pytest.mark.django_db
def test_missing_role_claim_is_refused_with_a_dutch_message(client, rp):
    _claims(rp, "carla", gemeente="GM0855", amr=["mfa"])
    response = _sign_in(client, rp, "carla")
    assert response.status_code == 302 and response["Location"] == "/inloggen/"
    assert not User.objects.filter(username__startswith="oidc-").exists()
    page = client.get("/inloggen/")
    assert "niet doorgegeven welke rol" in page.content.decode()


@pytest.mark.django_db
def test_a_municipality_outside_the_region_or_a_partner_role_is_refused(client, rp):
    _claims(rp, "daan", maatpact_rol="teamleider", gemeente="GM0363", amr=["mfa"])
    response = _sign_in(client, rp, "daan")
    assert response["Location"] == "/inloggen/"
    assert "doet niet mee" in client.get("/inloggen/").content.decode()
    _claims(rp, "eva", maatpact_rol="financier", amr=["mfa"])
    response = _sign_in(client, rp, "eva")
    assert response["Location"] == "/inloggen/"
    assert not User.objects.filter(username__startswith="oidc-").exists()


@pytest.mark.django_db
def test_the_provider_decides_the_role_on_every_sign_in(client, rp):
    _claims(rp, "anna", maatpact_rol="regisseur", gemeente="GM0855", amr=["mfa"])
    _sign_in(client, rp, "anna")
    client.logout()
    _claims(rp, "anna", maatpact_rol="teamleider", gemeente="GM0785", amr=["mfa"])
    _sign_in(client, rp, "anna")
    user = User.objects.get(username__startswith="oidc-")
    assert user.role == Role.TEAMLEIDER and user.municipality.name == "Goirle"


@pytest.mark.django_db
def test_oidc_is_off_without_configuration(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get("/oidc/start/").status_code == 404
    assert "via uw organisatie" not in client.get("/inloggen/").content.decode()
