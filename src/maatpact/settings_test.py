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
