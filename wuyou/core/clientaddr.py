"""The client's address, for throttles, rate limits and the audit trail.

REMOTE_ADDR is the peer the server saw. Behind the reverse proxy production runs behind, that is the
proxy, and every client of the city would share one address's throttle. So when the peer is one of
TRUSTED_PROXIES, the client is the rightmost X-Forwarded-For entry that is not itself a trusted proxy
(each proxy appends the address it saw; entries left of it are whatever the client sent, and are never
believed). With no trusted proxies configured the header is ignored entirely.
"""

import ipaddress

from django.conf import settings

MAX_LEN = 45  # the longest textual IPv6 address


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    if request is None:
        return ""
    peer = (request.META.get("REMOTE_ADDR") or "")[:MAX_LEN]
    trusted = set(settings.TRUSTED_PROXIES)
    if not trusted or peer not in trusted:
        return peer
    hops = (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(hops[-20:]):  # bounded: a client may send a long header
        address = _ip(hop)
        if address is None:
            return peer  # a garbled entry where a proxy should have written: trust nothing beyond it
        if address not in trusted:
            return address
    return peer
