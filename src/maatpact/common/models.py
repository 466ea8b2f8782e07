"""Data versions for caches of slowly changing, costly figures (see ``common.versions``)."""

from __future__ import annotations

from django.db import models


class DataChange(models.Model):
    """One committed write to a source (an app's data), appended by the writing service in
    its own transaction. Append-only, so concurrent writers never wait for each other."""

    source = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["source", "id"], name="datachange_source")]


class DataVersion(models.Model):
    """Changes of a source already folded away (``versions.compact``): the version of a
    source is ``base`` plus its remaining ``DataChange`` rows."""

    source = models.CharField(max_length=40, primary_key=True)
    base = models.BigIntegerField(default=0)
