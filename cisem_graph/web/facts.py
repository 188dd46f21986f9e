"""What a version's pages share, worked out once per version: counts of each kind, the events, every
thing (the sitemap), each kind's listing with its facets, the network.

Each is a function of (store, base) kept on the app (``Publisher.memo``), keyed by the version, so a
new version never sees an old value. ``warm`` works them all out in the background when a version
is opened (setting ``warm_pages``), so at a million triples the first reader of the home page or a
list does not wait for a scan; a request that comes first simply computes what it needs itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from rdflib import URIRef

from .. import describe
from .. import network as net
from ..errors import CisemError
from ..graph.sources import METADATA_GRAPH
from ..namespaces import graph_iri, thing_iri
from ..store.base import Store
from .kinds import TABLE, YEAR

if TYPE_CHECKING:
    from . import Publisher, Served

log = logging.getLogger("cisem_graph.web")
T = TypeVar("T")
#: the network's picture is laid out in a box this size
WIDTH, HEIGHT = 1000, 700


@dataclass
class Item:
    """One thing of a listing: its names by language, its first start date, its facet values."""

    iri: str
    names: dict[str, str]
    date: str | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Listing:
    """One kind as read from the store: its things and the names of its facet values."""

    items: list[Item]
    value_names: dict[str, dict[str, str]]


def _names(labels) -> dict[str, str]:
    """Labels as ``{language: text}`` (the first of each language), light enough to keep."""
    found: dict[str, str] = {}
    for label in sorted(labels, key=lambda lit: (lit.language or "", str(lit))):
        found.setdefault(label.language or "", str(label))
    return found


def read_listing(store: Store, base: str, kind: str) -> Listing:
    """A kind's things, names, start dates and facet values: a few queries, each scanning one
    predicate's triples (every thing has a type: the shapes find things by their class)."""
    prefix = str(thing_iri(base, kind, ""))
    spec = TABLE[kind]
    items = {iri: Item(iri, _names(labels))
             for iri, labels in describe.listing(store, prefix).items()}
    if spec.dated or any(f.year for f in spec.facets):
        for s, o in describe.values_of(store, prefix, YEAR.predicate):
            if s in items and (items[s].date is None or str(o) < items[s].date):
                items[s].date = str(o)
    values: set[str] = set()
    for facet in spec.facets:
        if facet.year:
            for item in items.values():
                if item.date:
                    item.facets.setdefault(facet.name, []).append(item.date[:4])
            continue
        for s, o in describe.values_of(store, prefix, facet.predicate):
            if s in items and isinstance(o, URIRef):
                items[s].facets.setdefault(facet.name, []).append(str(o))
                values.add(str(o))
    labels = describe.annotations(store, [URIRef(v) for v in values]) if values else None
    value_names = {v: _names(o for p in describe.LABELS for o in labels.objects(URIRef(v), p))
                   for v in values} if labels is not None else {}
    return Listing(sorted(items.values(), key=lambda i: i.iri), value_names)


def build_network(store: Store, base: str, limit: int) -> tuple[net.Network, dict]:
    network = net.build_network(store, base, limit)
    return network, net.layout(network, WIDTH, HEIGHT)


#: what a version's pages share: name → how to work it out from (store, base, *args)
SHARED: dict[str, Callable[..., object]] = {
    "metadata-graph": lambda store, base: describe.named_graph(
        store, str(graph_iri(base, METADATA_GRAPH))),
    "graph-sources": lambda store, base: describe.graph_sources(store),
    "kind-counts": describe.kind_counts,
    "events": describe.events,
    "things": describe.things,
    "listing": read_listing,
    "network": build_network,
}


def shared(publisher: Publisher, store: Store, name: str, *args) -> object:
    """``SHARED[name]`` for ``store``'s version, worked out once and kept on the app."""
    base = publisher.settings.base_iri
    return publisher.memo.get((store.version, name, *args),
                              lambda: SHARED[name](store, base, *args))


# -- for the views ------------------------------------------------------------------------------------

def _current(name: str, *args):
    from . import get_publisher, get_store

    return shared(get_publisher(), get_store(), name, *args)


def kind_counts() -> dict[str, int]:
    return _current("kind-counts")


def events() -> list[describe.Dated]:
    return _current("events")


def things() -> list[tuple[str, str]]:
    return _current("things")


def listing(kind: str) -> Listing:
    return _current("listing", kind)


def metadata_graph():
    return _current("metadata-graph")


def graph_sources() -> dict[str, dict]:
    return _current("graph-sources")


def network(limit: int) -> tuple[net.Network, dict]:
    return _current("network", limit)


# -- warming a new version up --------------------------------------------------------------------------

def warm(publisher: Publisher, served: Served) -> threading.Thread | None:
    """Work out what the pages share for ``served``'s version in a daemon thread (``None`` when the
    setting ``warm_pages`` is off). The thread holds a lease on the version, so its store stays
    open until it is done, and gives up at the first error (the requests will say it)."""
    if not publisher.settings.warm_pages:
        return None
    publisher.hold(served)
    thread = threading.Thread(target=_warm, args=(publisher, served), daemon=True,
                              name=f"warm-{served.release.version}")
    thread.start()
    return thread


def _warm(publisher: Publisher, served: Served) -> None:
    """Each part on its own: one that fails (a query past the time-out on a busy machine) is left
    to the first request that needs it, and the others are still worked out."""
    store, started = served.store, time.monotonic()
    failed: list[str] = []

    def part(name: str, *args) -> object:
        try:
            if name == "triples":  # the home page says it; the store keeps it once counted
                return store.triple_count()
            return shared(publisher, store, name, *args)
        except CisemError as exc:
            log.warning("warming %s%s of version %s up failed: %s", name, list(args) or "",
                        store.version, exc.message)
            failed.append(name)
            return None

    try:
        for name in ("kind-counts", "events", "metadata-graph", "graph-sources"):
            part(name)
        for kind in part("kind-counts") or ():
            part("listing", kind)
        part("network", net.LIMIT)
        part("things")
        part("triples")
        log.info("version %s warmed up in %.1f s%s", store.version, time.monotonic() - started,
                 f" ({len(failed)} part(s) left to the first request)" if failed else "")
    except Exception as exc:  # a store closed under it (a test, a shutdown): the requests will say
        log.warning("warming version %s up stopped: %r", store.version, exc)
    finally:
        publisher.unlease(served)
