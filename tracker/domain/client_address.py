"""Who is knocking, for the throttles: the address of the connection, or, when that connection comes
from a proxy the organisation trusts, the address the proxy says it forwarded.

``X-Forwarded-For`` is written by whoever sends the request: believed from anyone, it lets a guesser
rotate addresses (never throttled) or name a vendor's (locking the vendor out). Only proxies listed in
the settings are believed, and the chain is read from the right, the end our own proxies wrote, to the
first address none of them is: that is the client as the outermost trusted proxy saw it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.1"  # what Streamlit reports as no address at all (a connection from this host)


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or ranges ("10.0.0.5", "10.0.0.0/8", "::1"); ValueError names a wrong one."""
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ValueError(f'"{entry}" is not an IP address or range (e.g. "10.0.0.5" or "10.0.0.0/8")') from None
    return tuple(found)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, trusted: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in trusted)


def client_address(peer: str | None, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The client to count failures against. ``peer``: the connection's address (None: this host)."""
    peer = peer or LOOPBACK
    if not _trusted(_address(peer), trusted):
        return peer  # a header from anyone else is theirs to write, and is not read
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            return peer  # a malformed hop: nothing past it can be believed
        if not _trusted(address, trusted):
            return str(address)
    return peer
