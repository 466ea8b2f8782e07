"""Login lockout (django-axes): the client address behind our proxies, two locks.

The address a failed login is counted under must be one the client cannot choose.
``X-Forwarded-For`` is written by whoever sends the request, so it is only believed when
the request comes *from* one of our own proxies (``MAATPACT_TRUSTED_PROXIES``, addresses
or networks), and then only the entries those proxies appended: walking the header from
the right, the first address that is not one of our proxies is the client. Reached
directly, a rotating forwarded header changes nothing: the socket address counts.

Two locks, each with its own limit (``LockoutHandler``):

* username + address: ``AXES_FAILURE_LIMIT`` (5) failures lock that pair, so guessing
  from one place stops without locking the colleague out from elsewhere;
* username alone: ``MAATPACT_USERNAME_FAILURE_LIMIT`` (20) failures from any mix of
  addresses lock the username, so a botnet with many addresses gets 20 guesses per
  cool-off period, not 5 per address.
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies() -> list[Network]:
    """The configured proxy networks (validated when the settings load)."""
    return [ipaddress.ip_network(p, strict=False) for p in settings.MAATPACT_TRUSTED_PROXIES]


def _is_proxy(address: str, proxies: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the socket, or the first hop left of our own proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = trusted_proxies()
    if not proxies or not _is_proxy(address, proxies):
        return address
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a malformed entry: count the attempt under our proxy
        address = hop
        if not _is_proxy(address, proxies):
            break
    return address


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate limit for the username-only lock.

    Axes compares one failure count with one limit; the count returned here reaches that
    limit when either lock is due. Relies on ``AXES_LOCKOUT_PARAMETERS`` listing the pair
    first and the username alone second (settings).
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        per_pair = counts[0] if counts else 0
        per_username = counts[1] if len(counts) > 1 else 0
        limit = get_failure_limit(request, credentials)
        if per_username >= username_failure_limit():
            return max(per_pair, limit)
        return per_pair


def username_failure_limit() -> int:
    return int(getattr(settings, "MAATPACT_USERNAME_FAILURE_LIMIT", 20))
