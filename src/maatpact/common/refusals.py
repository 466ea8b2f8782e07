"""One refusal type for the whole project.

* **Outside the user's scope: 404.** A household, obstacle, spend or contract the user
  may not see answers "not found" (``Http404``), so its existence is not revealed.
* **A forbidden action on an object the user can see: 403** (:class:`Forbidden`): the
  user sees the household but may not change its status, sees the obstacle but may not
  record its breakthrough, reads the contract but may not set its caps.

``Forbidden`` is also a ``ValidationError``, so a service can refuse in the middle of
its checks and a page's form still shows the Dutch message, while the API (and any
view that does not catch it) answers 403.
"""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import PermissionDenied, ValidationError


class Forbidden(ValidationError, PermissionDenied):
    """A forbidden action on a visible object (HTTP 403)."""


def refuse(message: str = "U mag dit niet doen.") -> NoReturn:
    raise Forbidden(message)
