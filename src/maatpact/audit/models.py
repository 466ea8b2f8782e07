"""Append-only, hash-chained audit trail of every read and write of household data.

Records carry who, when, which object, which action and which request, never the
personal values. Each household has its own chain (so unrelated requests do not queue
on one lock); a chain head row stores the last sequence number and hash, so removing
the newest record is detected as well as changing or removing any earlier one.

A record's hash is an HMAC under the key ``key_id`` (``audit.keys``), which the database
does not hold; key id 0 marks records written before keys existed (plain SHA-256),
trusted only up to the first anchor outside the database (``audit.anchors``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditChain(models.Model):
    key = models.CharField(max_length=40, primary_key=True)  # "hh:<id>", "user:<id>", "global"
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Ingezien"
        CREATE = "create", "Aangemaakt"
        UPDATE = "update", "Gewijzigd"
        DELETE = "delete", "Verwijderd"
        EXPORT = "export", "Geëxporteerd"
        ANONYMISE = "anonymise", "Geanonimiseerd"
        # API tokens: issued, used, revoked; refused: an access attempt (audit.probes) or token.
        ISSUE = "issue", "Uitgegeven"
        USE = "use", "Gebruikt"
        REVOKE = "revoke", "Ingetrokken"
        REFUSE = "refuse", "Geweigerd"

    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    household_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    detail = models.CharField(max_length=200, blank=True)  # field names only, never values
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.PositiveSmallIntegerField(default=0)  # 0: legacy, unkeyed SHA-256

    class Meta:
        verbose_name = "auditregel"
        verbose_name_plural = "audittrail"
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["household_id", "at"], name="audit_household_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]
