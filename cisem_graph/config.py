"""One frozen settings object for the whole publisher.

Every tunable is declared once in ``SETTINGS`` (name, default, help), in the manner of Datasette's
settings table: the same table fills the dataclass, reads the environment (``CISEM_<NAME>``),
documents the CLI and is checked against the README by a test. Nothing else reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError

#: The checkout this code lives in (with ``ontology/``, ``data/``, ``shapes/``, ``queries/``): for
#: the tests and scripts of a checkout. Never a default: an installed package lives in
#: site-packages, and a project folder is wherever its owner keeps it (``find_root``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Setting(NamedTuple):
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", "https://w3id.org/cisem/", "Public base IRI of every thing, graph and term"),
    Setting("root", None, "Folder holding ontology/, data/, shapes/ and queries/ (default: the "
            "current directory, or its first parent holding data/)"),
    Setting("data_dir", None, "Folder of the curated Turtle files (default: ROOT/data)"),
    Setting("ontology_dir", None, "Folder of the project ontology (default: ROOT/ontology)"),
    Setting("shapes_dir", None, "Folder of the SHACL shapes (default: ROOT/shapes)"),
    Setting("dist_dir", None, "Where dataset versions are written (default: ROOT/dist)"),
    Setting("releases_dir", None, "Release manifest, changelog and released dumps (default: "
            "ROOT/releases)"),
    Setting("host", "127.0.0.1", "Interface the server listens on"),
    Setting("port", 5000, "Port the server listens on"),
    Setting("server", "granian", "WSGI server: granian (faster, measured) or gunicorn"),
    Setting("workers", 2, "WSGI worker processes"),
    Setting("threads", 8, "Threads per worker that run the app"),
    Setting("query_timeout", 10.0, "Seconds a query may run before it is cancelled (503)"),
    Setting("result_limit", 100_000, "Most rows or triples in one query answer; more are cut off"),
    Setting("max_request_bytes", 65_536, "Largest accepted request body or query string, in bytes"),
    Setting("max_nesting", 200, "Deepest nesting of brackets a query may have"),
    Setting("max_chain", 1000, "Longest chain of operators, clauses or triple patterns in a query"),
    Setting("body_timeout", 10.0, "Seconds a request body may take to arrive, plus one second per "
            "body_min_rate bytes it declares (slower: 408, connection closed)"),
    Setting("body_min_rate", 8192.0, "Bytes per second a large request body must at least arrive at"),
    Setting("max_client_connections", 32, "Requests one client (an address, an IPv6 /64) may have in "
            "progress at once in each worker (beyond: 429, connection closed)"),
    Setting("trusted_proxies", (), "Addresses or networks of reverse proxies whose X-Forwarded-For "
            "(and -Host, -Proto) is believed (space-separated)"),
    Setting("client_budget", 60.0, "Seconds of query time one client may use per minute, across "
            "all workers (beyond: 429 with Retry-After; 0: no budget)"),
    Setting("client_max_queries", 4, "Queries one client may have running at once, across all "
            "workers (beyond: 429; 0: no cap)"),
    Setting("runtime_dir", None, "Folder for the state the workers of one server share (client "
            "budgets, metrics); `serve` makes a temporary one when unset"),
    Setting("metrics", "off", "/metrics in Prometheus format: off, token (with the admin token) or "
            "public"),
    Setting("query_processes", 2, "Isolated query processes per WSGI worker"),
    Setting("max_pending", 8, "Queries that may wait for a query process before 503 Retry-After"),
    Setting("service_allowlist", (), "SERVICE endpoints a query may name (space-separated IRIs)"),
    Setting("cache_entries", 512, "Serialized answers kept per worker for repeated GET queries"),
    Setting("cors_origin", "*", "Access-Control-Allow-Origin sent on read responses"),
    Setting("cache_max_age", 60, "Seconds a browser may reuse a page or an answer of the served "
            "version without asking (Cache-Control max-age)"),
    Setting("cache_shared_max_age", 300, "Seconds a shared cache (a CDN, Varnish, nginx) may "
            "(s-maxage); set it long when cache_ban_urls reach every cache"),
    Setting("cache_ban_urls", (), "Caches in front (space-separated URLs) that a reload tells to "
            "drop every answer of another version (HTTP BAN with X-Dataset-Version)"),
    Setting("admin_token", None, "Token that enables the admin endpoints (off when unset)"),
    Setting("staff_users_file", None, "Users file of the staff area at /admin/ (scrypt hashes, "
            "managed by `cisem-graph user add|remove`); unset: no staff area"),
    Setting("secret_key", None, "Key that signs the staff area's session cookie (32 characters or "
            "more; needed with staff_users_file); never logged"),
    Setting("state_dir", None, "Folder of the staff area's state, outside dist_dir: uploads being "
            "checked, the publish job, the history, the publish lock (default: ROOT/state)"),
    Setting("staff_session_hours", 8.0, "Hours a staff sign-in lasts"),
    Setting("signin_attempts", 5, "Failed sign-ins allowed per user name and per address within "
            "signin_window (beyond: 429 until the oldest leaves the window)"),
    Setting("signin_window", 900.0, "Seconds over which failed sign-ins are counted"),
    Setting("publisher_name", None, "Name of the organization that publishes the dataset "
            "(dct:publisher in /dataset; none is stated when unset)"),
    Setting("publisher_url", None, "Web site of the publisher (its IRI in /dataset)"),
    Setting("publisher_identifier", None, "Identifier of the publisher, e.g. its IPA code "
            "(dct:identifier of the publisher, as DCAT-AP_IT asks)"),
    Setting("contact_email", None, "Contact address for the dataset (dcat:contactPoint; "
            "none when unset)"),
    Setting("public_url", None, "The site's public root (https://data.example.org/): every absolute "
            "URL is written with it, whatever Host a request names"),
    Setting("allowed_hosts", (), "Host names a request may name (space-separated; .example.org takes "
            "its subdomains too); any other Host is a 400 (default: the base IRI's host, localhost, "
            "127.0.0.1, ::1)"),
    Setting("warm_pages", True, "Work out what the pages share (counts, lists, the network) in the "
            "background when a version is opened, so their first reader does not wait"),
    Setting("sitemap_limit", 50_000, "Most URLs in one sitemap file; more make a sitemap index"),
    Setting("import_max_bytes", 20_000_000, "Largest spreadsheet `cisem-graph import` reads, in bytes "
            "(checked before parsing)"),
    Setting("store_query_url", None, "SPARQL 1.1 query endpoint of a remote store (unset: the "
            "embedded store)"),
    Setting("store_replica_urls", (), "More query endpoints holding the same published version "
            "(read replicas, space-separated): queries go to the healthy ones in turn"),
    Setting("store_check_interval", 2.0, "Seconds between two checks of each replica (down, slow: "
            "no answer within this time, or another version: out of the rotation)"),
    Setting("store_update_url", None, "SPARQL 1.1 update endpoint of the remote store (for push)"),
    Setting("store_gsp_url", None, "Graph Store Protocol endpoint of the remote store (for push)"),
    Setting("store_user", None, "User name for the remote store (HTTP Basic; unset: none)"),
    Setting("store_password", None, "Password for the remote store (HTTP Basic); never logged"),
    Setting("shacl_engine", "turbo", "SHACL engine of validate, build and import: turbo "
            "(pyshacl-turbo, native, on the parsed store) or pyshacl (the reference engine)"),
    Setting("push_timeout", 600.0, "Seconds one request of `cisem-graph push` may take (an upload "
            "of a large graph, the switch)"),
)

_PATH_SETTINGS = {"root", "data_dir", "ontology_dir", "shapes_dir", "dist_dir", "releases_dir",
                  "runtime_dir", "state_dir", "staff_users_file"}
#: the shortest ``secret_key`` accepted (a session cookie signed with less is guessable)
MIN_SECRET_KEY = 32


@dataclass(frozen=True)
class Settings:
    """What a deployment can change, resolved once and passed to ``create_app`` and the CLI."""

    base_iri: str = "https://w3id.org/cisem/"
    root: Path | None = None
    data_dir: Path | None = None
    ontology_dir: Path | None = None
    shapes_dir: Path | None = None
    dist_dir: Path | None = None
    releases_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 5000
    server: str = "granian"
    workers: int = 2
    threads: int = 8
    query_timeout: float = 10.0
    result_limit: int = 100_000
    max_request_bytes: int = 65_536
    max_nesting: int = 200
    max_chain: int = 1000
    body_timeout: float = 10.0
    body_min_rate: float = 8192.0
    max_client_connections: int = 32
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    client_budget: float = 60.0
    client_max_queries: int = 4
    runtime_dir: Path | None = None
    metrics: str = "off"
    query_processes: int = 2
    max_pending: int = 8
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)
    cache_entries: int = 512
    cors_origin: str = "*"
    cache_max_age: int = 60
    cache_shared_max_age: int = 300
    cache_ban_urls: tuple[str, ...] = field(default_factory=tuple)
    admin_token: str | None = None
    staff_users_file: Path | None = None
    secret_key: str | None = field(default=None, repr=False)
    state_dir: Path | None = None
    staff_session_hours: float = 8.0
    signin_attempts: int = 5
    signin_window: float = 900.0
    publisher_name: str | None = None
    publisher_url: str | None = None
    publisher_identifier: str | None = None
    contact_email: str | None = None
    public_url: str | None = None
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    warm_pages: bool = True
    sitemap_limit: int = 50_000
    import_max_bytes: int = 20_000_000
    store_query_url: str | None = None
    store_replica_urls: tuple[str, ...] = field(default_factory=tuple)
    store_check_interval: float = 2.0
    store_update_url: str | None = None
    store_gsp_url: str | None = None
    store_user: str | None = None
    store_password: str | None = field(default=None, repr=False)
    shacl_engine: str = "turbo"
    push_timeout: float = 600.0

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ConfigError(f"base_iri must end with '/' or '#': {self.base_iri!r}")
        if self.server not in ("granian", "gunicorn"):
            raise ConfigError(f"server must be granian or gunicorn: {self.server!r}")
        if self.body_timeout <= 0 or self.body_min_rate <= 0 or self.max_client_connections < 1:
            raise ConfigError("body_timeout, body_min_rate and max_client_connections must be "
                              "positive")
        if self.metrics not in ("off", "token", "public"):
            raise ConfigError(f"metrics must be off, token or public: {self.metrics!r}")
        if self.metrics == "token" and not self.admin_token:
            raise ConfigError("metrics=token needs admin_token (or metrics=public)")
        if self.client_budget < 0 or self.client_max_queries < 0:
            raise ConfigError("client_budget and client_max_queries cannot be negative")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ConfigError(f"trusted_proxies: {proxy!r} is not an address or network") from None
        if self.shacl_engine not in ("turbo", "pyshacl"):
            raise ConfigError(f"shacl_engine must be turbo or pyshacl: {self.shacl_engine!r}")
        if self.cache_max_age < 0 or self.cache_shared_max_age < 0:
            raise ConfigError("cache_max_age and cache_shared_max_age cannot be negative")
        for url in self.cache_ban_urls:
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"cache_ban_urls: {url!r} is not an http(s) URL")
        if self.store_replica_urls and not self.store_query_url:
            raise ConfigError("store_replica_urls needs store_query_url (the first of the replicas)")
        if self.store_check_interval <= 0:
            raise ConfigError("store_check_interval must be positive")
        if self.sitemap_limit < 1:
            raise ConfigError(f"sitemap_limit must be at least 1: {self.sitemap_limit!r}")
        if self.public_url and not self.public_url.startswith(("https://", "http://")):
            raise ConfigError(f"public_url must be an http(s) URL: {self.public_url!r}")
        if self.publisher_url and not self.publisher_url.startswith(("https://", "http://")):
            raise ConfigError(f"publisher_url must be an http(s) URL: {self.publisher_url!r}")
        if (self.publisher_url or self.publisher_identifier) and not self.publisher_name:
            raise ConfigError("publisher_url and publisher_identifier need publisher_name")
        root = Path(self.root) if self.root is not None else find_root(Path.cwd())
        object.__setattr__(self, "root", root)
        for name, sub in (("data_dir", "data"), ("ontology_dir", "ontology"),
                          ("shapes_dir", "shapes"), ("dist_dir", "dist"),
                          ("releases_dir", "releases"), ("state_dir", "state")):
            value = getattr(self, name)
            object.__setattr__(self, name, Path(value) if value is not None else root / sub)
        self._check_staff()

    def _check_staff(self) -> None:
        if self.staff_users_file is not None:
            object.__setattr__(self, "staff_users_file", Path(self.staff_users_file))
        if self.secret_key is not None and len(self.secret_key) < MIN_SECRET_KEY:
            raise ConfigError(f"secret_key must have {MIN_SECRET_KEY} characters or more (e.g. "
                              "`python -c 'import secrets; print(secrets.token_hex(32))'`)")
        if self.staff_session_hours <= 0 or self.signin_attempts < 1 or self.signin_window <= 0:
            raise ConfigError("staff_session_hours, signin_attempts and signin_window must be positive")
        state, dist = Path(self.state_dir).resolve(), Path(self.dist_dir).resolve()
        if state == dist or state.is_relative_to(dist):
            raise ConfigError("state_dir must be outside dist_dir: the history outlives the versions")

    @property
    def staff_area(self) -> bool:
        """Whether the server has a staff area: a users file, and a key to sign its sessions
        (``ConfigError`` for a users file without one; ``cisem-graph user`` needs no key)."""
        if self.staff_users_file is None:
            return False
        if not self.secret_key:
            raise ConfigError("staff_users_file needs secret_key (32 characters or more, the same "
                              "for every worker)")
        return True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``CISEM_<NAME>`` variables, then explicit overrides (CLI flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(f"CISEM_{setting.name.upper()}")
            if raw is not None and raw != "":
                values[setting.name] = _coerce(setting, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The settings as ``CISEM_*`` variables, for servers that start the app by import."""
        env = {}
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            if value is None:
                continue
            text = " ".join(value) if isinstance(value, tuple) else str(value)
            env[f"CISEM_{setting.name.upper()}"] = text
        return env

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def find_root(start: Path) -> Path:
    """The project folder ``cisem-graph`` works on when no ``root`` is given: ``start`` or the first
    of its parents that holds ``data/``, as git finds its repository."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "data").is_dir():
            return folder
    raise ConfigError(f"no project folder: neither {start} nor a folder above it holds data/; "
                      "run in a project folder or give --root DIR (or CISEM_ROOT)")


def _coerce(setting: Setting, raw: str) -> Any:
    """Turn an environment string into the type of the setting's default."""
    name, default = setting.name, setting.default
    try:
        if name in _PATH_SETTINGS:
            return Path(raw)
        if name in ("service_allowlist", "trusted_proxies", "allowed_hosts", "cache_ban_urls",
                    "store_replica_urls"):
            return tuple(raw.split())
        if isinstance(default, bool):
            return raw.lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"CISEM_{name.upper()}={raw!r} is not a valid {type(default).__name__}")\
            from exc
    return raw
