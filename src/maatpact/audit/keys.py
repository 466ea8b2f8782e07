"""The audit trail's secret keys: held outside the database, identified by key ids.

Every record's hash is an HMAC under one of these keys, so an insider with database
access who knows the recipe still cannot recompute a chain. Keys come from
``MAATPACT_AUDIT["KEYS"]`` (environment ``MAATPACT_AUDIT_KEYS``: ``"2:secret,1:secret"``)
and/or a key file (``MAATPACT_AUDIT_KEY_FILE``: one ``id:secret`` per line). New records
use the current key (``MAATPACT_AUDIT_KEY_ID``, default the highest id); older keys stay
in the ring so that records written under them stay verifiable after a rotation.

Key id 0 is the legacy, unkeyed SHA-256 recipe of records written before keys existed;
they are trusted only up to the first anchor (see ``anchors``). Without any configured
key (demo, local runs) one key is derived from ``SECRET_KEY`` as id 1; the production
profile refuses to start that way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

LEGACY_KEY_ID = 0
MIN_SECRET_LENGTH = 32
_DERIVED_LABEL = b"maatpact audit key derived from SECRET_KEY"
_SIGNING_LABEL = b"maatpact audit anchor signing key"


class UnknownKey(KeyError):
    """A record or anchor names a key id that is not in the key ring."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[int, bytes]
    current_id: int
    derived: bool  # True: no key configured, the demo key derived from SECRET_KEY

    def key(self, key_id: int) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownKey(key_id) from None

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    def mac(self, key_id: int, message: bytes) -> str:
        return hmac.new(self.key(key_id), message, hashlib.sha256).hexdigest()

    def signing_key(self, key_id: int) -> Ed25519PrivateKey:
        """The Ed25519 key that signs anchors, derived from audit key ``key_id``.

        Derived rather than configured separately: one secret to guard and rotate, while
        a verifier outside the application needs only the public half.
        """
        seed = hmac.new(self.key(key_id), _SIGNING_LABEL, hashlib.sha256).digest()
        return Ed25519PrivateKey.from_private_bytes(seed)

    def public_key(self, key_id: int) -> Ed25519PublicKey:
        return self.signing_key(key_id).public_key()

    def public_key_text(self, key_id: int) -> str:
        raw = self.public_key(key_id).public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()


def parse_keys(text: str, source: str) -> dict[int, bytes]:
    """``id:secret`` entries, separated by commas or new lines; ``#`` starts a comment."""
    keys: dict[int, bytes] = {}
    for raw in text.replace(",", "\n").splitlines():
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        key_id, sep, secret = entry.partition(":")
        if not sep or not key_id.strip().isdigit():
            raise ImproperlyConfigured(f"{source}: gebruik 'id:geheim' per sleutel.")
        number, secret = int(key_id), secret.strip()
        if number < 1 or number > 32767:
            raise ImproperlyConfigured(f"{source}: sleutel-id's lopen van 1 tot 32767.")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"{source}: sleutel {number} is korter dan {MIN_SECRET_LENGTH} tekens."
            )
        if number in keys and keys[number] != secret.encode():
            raise ImproperlyConfigured(f"{source}: sleutel {number} staat er twee keer in.")
        keys[number] = secret.encode()
    return keys


def load_keyring(config: dict) -> KeyRing:
    keys = parse_keys(config.get("KEYS") or "", "MAATPACT_AUDIT_KEYS")
    key_file = config.get("KEY_FILE") or ""
    if key_file:
        for number, secret in parse_keys(Path(key_file).read_text(), key_file).items():
            if keys.get(number, secret) != secret:
                raise ImproperlyConfigured(
                    f"Sleutel {number} verschilt tussen omgeving en bestand."
                )
            keys[number] = secret
    derived = not keys
    if derived:
        keys = {1: hmac.new(settings.SECRET_KEY.encode(), _DERIVED_LABEL, hashlib.sha256).digest()}
    current = config.get("KEY_ID") or max(keys)
    if current not in keys:
        raise ImproperlyConfigured(f"MAATPACT_AUDIT_KEY_ID {current} staat niet in de sleutels.")
    return KeyRing(keys=keys, current_id=current, derived=derived)


@cache
def keyring() -> KeyRing:
    """The key ring, read once (settings are read once); reloaded when tests change them."""
    return load_keyring(settings.MAATPACT_AUDIT)


def _reload(*, setting: str, **kwargs) -> None:
    if setting in {"MAATPACT_AUDIT", "SECRET_KEY"}:
        keyring.cache_clear()


setting_changed.connect(_reload)


def new_secret() -> str:
    """A fresh random secret for a new key (43 URL-safe characters, 256 bits)."""
    import secrets

    return secrets.token_urlsafe(32)
