"""Settings from the environment, with safe defaults.

Everything that differs between a laptop, CI and production comes from environment
variables (12-factor): ``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``,
``MAATPACT_DEMO``. Without them the app runs on an embedded SQLite database under
``var/`` with DEBUG off.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MAATPACT_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Demo mode: synthetic data, demo logins printed, two-factor not enforced.
DEMO_MODE = env_bool("MAATPACT_DEMO", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        SECRET_KEY = "insecure-demo-key-only-for-local-use"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG and MAATPACT_DEMO are off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # API tokens stored as a digest (accounts.ApiToken swaps knox's own model).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    # Maatpact domain apps, in dependency order (the seed command follows it).
    "maatpact.common",
    "maatpact.regions",
    "maatpact.accounts",
    "maatpact.audit",
    "maatpact.households",
    "maatpact.assessments",
    "maatpact.plans",
    "maatpact.provisions",
    "maatpact.programme",
    "maatpact.obstacles",
    "maatpact.learning",
    "maatpact.budget",
    "maatpact.outcomes",
    "maatpact.reports",
    "maatpact.api",
    "maatpact.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store, private on every response a view did not mark itself.
    "maatpact.security.middleware.NoStoreMiddleware",
    # Database briefly unreachable -> a Dutch 503 page instead of a traceback.
    "maatpact.security.middleware.DatabaseUnavailableMiddleware",
    "maatpact.security.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Slides the idle timeout (refreshes the session at most once a minute).
    "maatpact.security.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "maatpact.security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maatpact.audit.middleware.RequestIdMiddleware",
    # A 404 for a household outside the caller's scope is audited as an attempt.
    "maatpact.audit.middleware.AccessAttemptMiddleware",
    "axes.middleware.AxesMiddleware",
]

# knox's own token model is swapped for accounts.ApiToken: its migrations would create an
# unused table with a foreign key to the users, which PostgreSQL refuses to truncate when
# the tests flush the database. Without migrations, the swapped model gets no table.
MIGRATION_MODULES = {"knox": None}

ROOT_URLCONF = "maatpact.urls"
WSGI_APPLICATION = "maatpact.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "maatpact.common.context_processors.navigation",
            ],
            # euro and datum on every page without {% load %} (one voice for amounts, dates)
            "builtins": ["maatpact.common.templatetags.maatpact"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'maatpact.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a management command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out username+IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Staff sign-in through the municipality's identity provider; inactive unless
    # OIDC_RP_CLIENT_ID is set (docs/security.md).
    "maatpact.accounts.oidc.StaffOIDCBackend",
]

# OpenID Connect (mozilla-django-oidc), read from the environment; empty = off.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid profile email"
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
OIDC_TIMEOUT = 10
MAATPACT_OIDC = {
    "REGION": os.environ.get("OIDC_REGION", ""),  # a region code; empty: any municipality
    "ROLE_CLAIM": os.environ.get("OIDC_ROLE_CLAIM", "maatpact_rol"),
    "MUNICIPALITY_CLAIM": os.environ.get("OIDC_MUNICIPALITY_CLAIM", "gemeente"),
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The project's own CSS lives in the maatpact package, which is not an app itself.
STATICFILES_DIRS = [BASE_DIR / "static"]

# Sessions and cookies: HttpOnly, SameSite, idle timeout (sliding).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "15")) * 60
# Not on every request: SlidingSessionMiddleware refreshes the expiry at most once per
# MAATPACT["SESSION_REFRESH_SECONDS"], saving a write + commit on most page views.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = env_bool("SECURE_COOKIES", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Two-factor login (TOTP, django-otp) for every role, except in demo mode. The API with
# token authentication serves systems and is exempt; see maatpact.security.middleware.
MAATPACT_REQUIRE_2FA = env_bool("MAATPACT_REQUIRE_2FA", not DEMO_MODE)
OTP_TOTP_ISSUER = "Maatpact Hart van Brabant"

# Audit trail (docs/security.md, "Audit trail"): record hashes are HMACs under keys the
# database does not hold; anchors of all chain heads are written, signed, to files
# outside the database by `maatpact audit-anchor` every ANCHOR_MINUTES.
MAATPACT_AUDIT = {
    # "id:secret" pairs ("2:...,1:..."), and/or a file with one "id:secret" per line.
    "KEYS": os.environ.get("MAATPACT_AUDIT_KEYS", ""),
    "KEY_FILE": os.environ.get("MAATPACT_AUDIT_KEY_FILE", ""),
    # The key new records are written with; default the highest id.
    "KEY_ID": int(os.environ.get("MAATPACT_AUDIT_KEY_ID", "0")) or None,
    # Append-only directory for the anchor files (empty: no anchors).
    "ANCHOR_DIR": os.environ.get("MAATPACT_AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")),
    "ANCHOR_MINUTES": int(os.environ.get("MAATPACT_AUDIT_ANCHOR_MINUTES", "60")),
}

# Lockout after repeated failed logins (django-axes), per username and IP address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
# Two locks (maatpact.accounts.lockout): username + address at AXES_FAILURE_LIMIT, the
# username alone at MAATPACT_USERNAME_FAILURE_LIMIT. The pair must stay listed first.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "maatpact.accounts.lockout.LockoutHandler"
MAATPACT_USERNAME_FAILURE_LIMIT = int(os.environ.get("MAATPACT_USERNAME_FAILURE_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked.html"
AXES_VERBOSE = False


def trusted_proxies_from_env(default: str = "") -> list[str]:
    """The reverse proxies whose X-Forwarded-For entries we trust: addresses or networks.

    Anything else (e.g. the old proxy *count* ``1``) refuses to start.
    """
    import ipaddress

    entries = env_list("MAATPACT_TRUSTED_PROXIES", default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"MAATPACT_TRUSTED_PROXIES: {entry!r} is geen adres of netwerk van een proxy "
                "(bijvoorbeeld 10.0.0.5 of 10.0.0.0/24)."
            ) from exc
    return entries


MAATPACT_TRUSTED_PROXIES = trusted_proxies_from_env()
AXES_CLIENT_IP_CALLABLE = "maatpact.accounts.lockout.client_ip"

# Strict Content-Security-Policy (django-csp 4 format): only our own files, no inline
# script or style anywhere. The API documentation pages relax it per view
# (maatpact.api.urls), documented in docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "maatpact",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "maatpact@hartvanbrabant.example")

# API tokens (docs/security.md, "API tokens"): only a digest is stored, every token
# expires. A user fetching one for itself (/api/v1/token/) gets API_TOKEN_HOURS; an
# administrator issues tokens for system accounts for at most API_TOKEN_MAX_DAYS.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
MAATPACT_API_TOKEN_HOURS = int(os.environ.get("MAATPACT_API_TOKEN_HOURS", "10"))
MAATPACT_API_TOKEN_DAYS = int(os.environ.get("MAATPACT_API_TOKEN_DAYS", "90"))
MAATPACT_API_TOKEN_MAX_DAYS = int(os.environ.get("MAATPACT_API_TOKEN_MAX_DAYS", "365"))
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(hours=MAATPACT_API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # the header clients already send
    "AUTO_REFRESH": False,  # a token's lifetime is fixed at issue
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "maatpact.accounts.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "maatpact.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maatpact API",
    "DESCRIPTION": "REST API van het Maatpact Hart van Brabant. Dezelfde rechten als de schermen.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields a pseudonymised view leaves out are optional in the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "maatpact.api.mixins.pseudonymised_fields_optional",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a field "status" with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "maatpact.households.models.Household.Status",
        "GoalStatusEnum": "maatpact.plans.models.Goal.Status",
        "ActionStatusEnum": "maatpact.plans.models.Action.Status",
        "ProposalStatusEnum": "maatpact.obstacles.models.StructuralProposal.Status",
        "OrganisationKindEnum": "maatpact.regions.models.Organisation.Kind",
        "ProcessingBasisKindEnum": "maatpact.households.models.ProcessingBasis.Kind",
        "InstrumentKindEnum": "maatpact.assessments.models.Instrument.Kind",
        "PlanChangeKindEnum": "maatpact.plans.models.PlanChange.Kind",
        "ProposalKindEnum": "maatpact.obstacles.models.StructuralProposal.Kind",
        "UserRoleEnum": "maatpact.accounts.models.Role",
        "MemberRoleEnum": "maatpact.households.models.Member.Role",
    },
}

# Logging: never personal data; only ids, actions and request ids.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Programme settings (all overridable from the environment) -----------------
MAATPACT = {
    # Selection: a household qualifies with problems on at least this many life domains
    # and support under at least this many laws.
    "SELECTION_MIN_DOMAINS": int(os.environ.get("MAATPACT_SELECTION_MIN_DOMAINS", "3")),
    "SELECTION_MIN_LAWS": int(os.environ.get("MAATPACT_SELECTION_MIN_LAWS", "2")),
    "WORKLIST_PAGE_SIZE": 50,
    # Assessments and the plan: a re-assessment is due this many days after the last one
    # (default about 3 months); the worklist shows items due within the look-ahead.
    "REASSESSMENT_INTERVAL_DAYS": int(os.environ.get("MAATPACT_REASSESSMENT_DAYS", "91")),
    "WORKLIST_LOOKAHEAD_DAYS": int(os.environ.get("MAATPACT_WORKLIST_LOOKAHEAD_DAYS", "14")),
    # Reports: figures resting on fewer households are suppressed outside the regional team.
    "REPORT_MIN_HOUSEHOLDS": 5,
    # Rule-free budget: spends above this amount (euros) wait for a team lead (four eyes).
    "BUDGET_APPROVAL_THRESHOLD": os.environ.get("MAATPACT_BUDGET_APPROVAL_THRESHOLD", "2500.00"),
    # Social cost-benefit analysis: Dutch standard discount rate (2.25 %).
    "DISCOUNT_RATE": float(os.environ.get("MAATPACT_DISCOUNT_RATE", "0.0225")),
    # Fewer households than this per group: no savings estimate, the page says so.
    "SAVINGS_MIN_GROUP": int(os.environ.get("MAATPACT_SAVINGS_MIN_GROUP", "20")),
    # Retention (AVG): households closed longer than this are anonymised by
    # `maatpact retention`. Months, so that e.g. 7 years (84) or 18 months both fit.
    "RETENTION_MONTHS": int(os.environ.get("MAATPACT_RETENTION_MONTHS", str(7 * 12))),
    # Seconds a client is asked to wait when the database is briefly unreachable.
    "DB_UNAVAILABLE_RETRY_AFTER": 30,
    # The idle timeout slides with activity, refreshed at most this often (seconds).
    "SESSION_REFRESH_SECONDS": int(os.environ.get("MAATPACT_SESSION_REFRESH_SECONDS", "60")),
}
