"""Django's JSON serializer, but keeping datetimes to the microsecond.

Django's encoder cuts microseconds to milliseconds; the audit trail's hashes include
the full timestamp, so a backup must keep it exactly or the chain would no longer
verify after a restore. Loading uses Django's own JSON deserializer (it parses both).
"""

from __future__ import annotations

import datetime as dt

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoJSONSerializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


__all__ = ["Deserializer", "Serializer"]
