"""Test settings: the normal settings with a fixed key and fast hashing.

Two-factor enforcement and login lockout are off by default here, so that the other
apps' tests can log users in with ``force_login``; the security tests switch them on
with ``override_settings`` (tests/security).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from maatpact.settings import *  # noqa: E402,F403
from maatpact.settings import MIDDLEWARE  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MIDDLEWARE = list(MIDDLEWARE)
MAATPACT_REQUIRE_2FA = False
AXES_ENABLED = False
# A fixed audit key (tests exercise the keyed recipe); no anchor directory: tests that
# anchor point MAATPACT_AUDIT["ANCHOR_DIR"] at their own tmp_path.
MAATPACT_AUDIT = {
    "KEYS": "1:test-only-audit-key-not-secret-0123456789",
    "KEY_FILE": "",
    "KEY_ID": None,
    "ANCHOR_DIR": "",
    "ANCHOR_MINUTES": 60,
}
