"""Who is asking: the client address a request is counted against.

The peer of the connection, unless that peer is a trusted proxy (setting ``trusted_proxies``): then
the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy. IPv6 clients are
grouped by their /64, the block one subscriber usually holds, so one machine cannot pass for many
by rotating addresses within it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``trusted_proxies`` as networks (an address alone is a network of one)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


class Clients:
    """Maps a peer address (and ``X-Forwarded-For``) to the client it stands for."""

    def __init__(self, trusted: Iterable[Network] = ()) -> None:
        self.trusted = tuple(trusted)
        self._key = lru_cache(maxsize=4096)(self._key_uncached)

    def is_trusted(self, address: str) -> bool:
        if not self.trusted:
            return False
        ip = _ip(address)
        return ip is not None and any(ip in net for net in self.trusted)

    def client(self, peer: str, forwarded_for: str | None = None) -> str:
        """The client key: an IPv4 address, an IPv6 /64 (``2001:db8:1:2::/64``), or the peer
        as given when it is no address at all (a Unix socket)."""
        if forwarded_for and self.is_trusted(peer):
            for hop in reversed(forwarded_for.split(",")):
                hop = hop.strip()
                if hop and not self.is_trusted(hop):
                    return self._key(hop)
        return self._key(peer)

    @staticmethod
    def _key_uncached(address: str) -> str:
        ip = _ip(address)
        if ip is None:
            return address
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None:
                return str(ip.ipv4_mapped)
            return str(ipaddress.IPv6Network((ip, 64), strict=False))
        return str(ip)


def peer_address(client: str) -> str:
    """The address part of granian's ``scope.client`` (``127.0.0.1:5123``, ``[::1]:5123``)."""
    host, sep, port = client.rpartition(":")
    if not sep or not port.isdigit():
        return client
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443" as some proxies write it
        text = text[1:text.index("]")]
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
