"""The front's pure parts: who the client is, how long a body may take, what the app is given.

The front as a whole is proved against the real server in ``test_slow_clients``; these pin down the
rules it applies.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from cisem_graph.config import Settings
from cisem_graph.errors import ConfigError
from cisem_graph.web.clients import Clients, parse_networks, peer_address
from cisem_graph.web.front import CLIENT, REFUSED, BodyRules, ClientSlots, Front


@pytest.mark.parametrize(("client", "address"), [
    ("127.0.0.1:5123", "127.0.0.1"),
    ("[::1]:5123", "::1"),
    ("[2001:db8::7]:443", "2001:db8::7"),
    ("/run/cisem.sock", "/run/cisem.sock"),
])
def test_peer_address(client, address):
    assert peer_address(client) == address


@pytest.mark.parametrize(("peer", "key"), [
    ("192.0.2.7", "192.0.2.7"),
    # one subscriber's /64 is one client, whichever address in it they use
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("fe80::1%eth0", "fe80::/64"),
])
def test_client_keys(peer, key):
    assert Clients().client(peer) == key


def test_forwarded_for_is_ignored_from_an_untrusted_peer():
    assert Clients().client("198.51.100.9", "203.0.113.5") == "198.51.100.9"
    clients = Clients(parse_networks(["10.0.0.0/8"]))
    assert clients.client("198.51.100.9", "203.0.113.5") == "198.51.100.9"


def test_forwarded_for_from_a_trusted_proxy_names_the_rightmost_untrusted_hop():
    clients = Clients(parse_networks(["10.0.0.0/8", "192.0.2.1"]))
    # the left-most entry is whatever the client wrote: never believed over a later hop
    assert clients.client("10.1.2.3", "1.2.3.4, 203.0.113.5, 192.0.2.1") == "203.0.113.5"
    assert clients.client("10.1.2.3", "2001:db8:9:9::5") == "2001:db8:9:9::/64"
    # only trusted hops: the proxy itself is the client
    assert clients.client("10.1.2.3", "10.0.0.9") == "10.1.2.3"
    assert clients.client("10.1.2.3", "") == "10.1.2.3"


def test_trusted_proxies_must_be_addresses():
    with pytest.raises(ConfigError, match="trusted_proxies"):
        Settings(trusted_proxies=("not-an-address",))
    assert Settings.from_env({"CISEM_TRUSTED_PROXIES": "10.0.0.0/8 ::1"}).trusted_proxies == \
        ("10.0.0.0/8", "::1")


def test_a_body_deadline_grows_with_its_size():
    rules = BodyRules(limit=1000, timeout=10.0, min_rate=100.0)
    assert rules.deadline(0) == 10.0
    assert rules.deadline(500) == 15.0
    assert rules.deadline(None) == 20.0  # chunked: the most it may send
    assert rules.deadline(None, 5000) == 60.0  # a request allowed more (a signed-in upload)


def test_client_slots_cap_each_client_alone():
    slots = ClientSlots(2)
    assert slots.take("a") and slots.take("a")
    assert not slots.take("a")
    assert slots.take("b")
    slots.give("a")
    assert slots.take("a")
    for client in ("a", "a", "b"):
        slots.give(client)
    assert len(slots) == 0


def _scope(**overrides):
    headers = overrides.pop("headers", [("host", "example.org"), ("accept", "text/html")])
    scope = dict(proto="http", http_version="1.1", method="GET", scheme="http",
                 client="127.0.0.1:40000", server="127.0.0.1:5000", path="/doc/event/x",
                 query_string="lang=en", authority=None)
    scope.update(overrides)
    return SimpleNamespace(headers=SimpleNamespace(items=lambda: list(headers)), **scope)


def _environ(scope, body=b"", refused=None):
    front = Front(lambda environ, start: [], Settings(), body_limit=1000)
    try:
        return front._environ(scope, "127.0.0.1", "127.0.0.1", body, refused)
    finally:
        front.pool.shutdown()


def test_the_environ_follows_pep_3333():
    environ = _environ(_scope(path="/doc/place/città"), b"query=1")
    # the path as its UTF-8 bytes shown as latin-1, as WSGI servers give it
    assert environ["PATH_INFO"] == "/doc/place/citt\u00c3\u00a0"
    assert environ["PATH_INFO"].encode("latin-1").decode("utf-8") == "/doc/place/città"
    assert environ["QUERY_STRING"] == "lang=en"
    assert environ["HTTP_HOST"] == "example.org" and environ["HTTP_ACCEPT"] == "text/html"
    assert environ["SERVER_NAME"] == "127.0.0.1" and environ["SERVER_PORT"] == "5000"
    assert environ["REMOTE_ADDR"] == "127.0.0.1" and environ[CLIENT] == "127.0.0.1"
    assert environ["CONTENT_LENGTH"] == "7"
    assert isinstance(environ["wsgi.input"], io.BytesIO) and environ["wsgi.input"].read() == b"query=1"
    assert REFUSED not in environ


def test_the_environ_merges_repeated_headers_and_drops_underscored_names():
    environ = _environ(_scope(headers=[
        ("accept", "text/html"), ("accept", "application/json"),
        ("x-forwarded-for", "203.0.113.5"), ("x_forwarded_for", "1.2.3.4"),
        ("content-type", "application/sparql-query")]))
    assert environ["HTTP_ACCEPT"] == "text/html,application/json"
    assert environ["HTTP_X_FORWARDED_FOR"] == "203.0.113.5"
    assert environ["CONTENT_TYPE"] == "application/sparql-query"
    assert "HTTP_CONTENT_TYPE" not in environ


def test_a_refusal_travels_to_the_app_with_the_declared_length():
    environ = _environ(_scope(method="POST", headers=[("content-length", "99999")]),
                       refused="too_large")
    assert environ[REFUSED] == "too_large"
    assert environ["CONTENT_LENGTH"] == "99999"  # what the client declared, for the app's 413
    assert environ["wsgi.input"].read() == b""
