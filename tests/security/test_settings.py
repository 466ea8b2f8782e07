"""Transport and cookie settings: production profile, CSP, cookies, idle timeout."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "MAATPACT_DEMO",
            "DATABASE_URL",
            "SECURE_COOKIES",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "MAATPACT_REQUIRE_2FA",
            "AXES_ENABLED",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="maatpact.settings_production",
        PYTHONPATH=str(ROOT / "src"),
        SECRET_KEY="p" + "-".join(["Zq8#kL2$vN9@wX4!mR7&tY1"] * 3),
        ALLOWED_HOSTS="maatpact.example.nl",
        MAATPACT_VAR_DIR=str(tmp_path),
        MAATPACT_AUDIT_KEYS="1:" + "k" * 43,
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_demo_mode(tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="maatpact.settings_production")
    env.update(MAATPACT_DEMO="1", PYTHONPATH=str(ROOT / "src"), MAATPACT_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "MAATPACT_DEMO" in result.stderr


def test_production_settings_refuse_to_start_without_an_audit_key(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MAATPACT_DEMO", "DEBUG", "MAATPACT_AUDIT_KEYS", "MAATPACT_AUDIT_KEY_FILE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="maatpact.settings_production",
        PYTHONPATH=str(ROOT / "src"),
        SECRET_KEY="p" * 60,
        MAATPACT_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "MAATPACT_AUDIT_KEYS" in result.stderr


def test_argon2_is_the_default_hasher_outside_tests():
    from maatpact import settings as base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_strict_csp_header_on_pages(client, coordinator):
    login(client, coordinator)
    response = client.get(reverse("households:worklist"))
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_style_or_handlers_in_templates():
    """The strict CSP only works if no template relies on inline code."""
    import re

    offenders = []
    pattern = re.compile(r"<script(?![^>]*\bsrc=)|<style|\son[a-z]+=|\sstyle=", re.I)
    for path in (ROOT / "src" / "maatpact").rglob("templates/**/*.html"):
        # Documents rendered to files or PDF (WeasyPrint), never served as a web page.
        if path.name == "inzage_document.html" or "pdf" in path.name:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []


def test_api_docs_render_with_their_own_relaxed_policy(client, coordinator):
    login(client, coordinator)
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert "'unsafe-inline'" in docs["Content-Security-Policy"].split("style-src")[1]
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    redoc = client.get(reverse("api-redoc"))
    assert redoc.status_code == 200
    # The relaxation stays on those pages only.
    page = client.get(reverse("households:worklist"))
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_session_cookie_flags(client, coordinator):
    client.post(reverse("login"), {"username": coordinator.username, "password": "x"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True  # outside demo mode and DEBUG
    assert settings.CSRF_COOKIE_SECURE is True


def test_idle_session_expires_after_the_idle_time_but_slides_with_activity(client, coordinator):
    """SESSION_IDLE_MINUTES (15) of inactivity logs out; each request restarts the clock."""
    idle = settings.SESSION_COOKIE_AGE
    assert idle == 15 * 60
    login(client, coordinator)
    url = reverse("households:worklist")
    start = timezone.now()
    with mock.patch("django.utils.timezone.now") as now:
        for minutes in (0, 14, 28, 42):  # each step within 15 minutes of the last
            now.return_value = start + timedelta(minutes=minutes)
            assert client.get(url).status_code == 200, minutes
        now.return_value = start + timedelta(minutes=42) + timedelta(seconds=idle + 1)
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sliding_session_is_written_at_most_once_a_minute(client, coordinator):
    """A burst of page views refreshes the idle timeout once, not on every request; a
    request a minute later refreshes it again (so activity still keeps the user in)."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, coordinator)
    url = reverse("health")
    start = timezone.now()

    def session_writes(at):
        with (
            mock.patch("django.utils.timezone.now", return_value=at),
            CaptureQueriesContext(connection) as ctx,
        ):
            assert client.get(url).status_code == 200
        return [q for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]

    # The login itself saved the session with a fresh expiry.
    assert session_writes(start) == []
    expiry = Session.objects.get().expire_date
    assert session_writes(start + timedelta(seconds=30)) == []
    assert len(session_writes(start + timedelta(seconds=61))) == 1
    assert Session.objects.get().expire_date > expiry
    assert session_writes(start + timedelta(seconds=100)) == []
    assert len(session_writes(start + timedelta(seconds=125))) == 1
