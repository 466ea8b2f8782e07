"""TOTP devices: enrolment and verification around django-otp."""

from __future__ import annotations

import base64
import io

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator-app"


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed device (created once, so the QR code stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> bytes:
    """The provisioning URI as an SVG QR code, rendered on the server (no script)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, dark="#000", light="#fff", title="QR-code voor uw app"
    )
    return out.getvalue()


def issuer() -> str:
    return getattr(settings, "OTP_TOTP_ISSUER", "Maatpact")
