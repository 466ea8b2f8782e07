"""Production profile: the normal settings plus transport security.

Use with ``DJANGO_SETTINGS_MODULE=maatpact.settings_production`` behind a TLS-terminating
proxy that sets ``X-Forwarded-Proto``. Requires ``SECRET_KEY`` (50+ random characters),
``ALLOWED_HOSTS`` and ``DATABASE_URL``. ``manage.py check --deploy`` is clean with it
(tests/security/test_settings.py runs that check).
"""

from maatpact.settings import *  # noqa: F403
from maatpact.settings import DEMO_MODE, env_bool, trusted_proxies_from_env

if DEMO_MODE:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("De productie-instellingen gaan niet samen met MAATPACT_DEMO.")

if not (MAATPACT_AUDIT["KEYS"] or MAATPACT_AUDIT["KEY_FILE"]):  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Zet MAATPACT_AUDIT_KEYS of MAATPACT_AUDIT_KEY_FILE: de audittrail heeft een "
        "sleutel nodig die niet in de database staat (docs/security.md)."
    )

DEBUG = False
MAATPACT_REQUIRE_2FA = True
AXES_ENABLED = True

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind the proxy: the client address for lockouts comes from the proxy's header, but
# only when the request comes from the proxy itself (default: one on this host).
MAATPACT_TRUSTED_PROXIES = trusted_proxies_from_env("127.0.0.1,::1")
