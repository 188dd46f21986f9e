"""Push a built dataset version into a remote SPARQL store, all or nothing.

The published graphs are never written piecemeal, so a reader of the store (our server, or anyone
querying the store directly) sees the old version or the new one, never half of each:

1. Leftover staging graphs of an interrupted push are dropped.
2. The named graphs of the version are uploaded as N-Quads (HTTP POST to the Graph Store endpoint,
   ``store_gsp_url``: Oxigraph's ``/store``; Fuseki takes quads at the dataset's URL) under
   temporary names, ``urn:x-cisem:staging:<version>:<n>``, each triple also into a staged merge
   graph (the published default graph, ``remote.merge_graph``) in the same request: the merge's
   blank nodes are the graph's own (a document's blank nodes are one node wherever they appear),
   and a triple stated by two graphs is one triple of the merge. Nobody's queries name staging
   graphs, and our server sends every query with the published graphs only. A request carries
   whole graphs, a few megabytes at a time.
   Only the graphs that changed: the record keeps each graph's digest, and a graph the store
   publishes already with the same digest and triple count is neither uploaded nor moved. Its
   statements still go into the new version's merge: those without a blank node uploaded into the
   merge alone, those with one copied from the published graph inside the store (an upload would
   give them new blank nodes; the copy keeps the published graph's). A version that changes one
   file of a million triples moves that graph and the metadata graph, not a million triples.
3. Every staged graph's triple count is checked against the dump's; any difference stops here.

Two exceptions to staging, where no reader can see what is being written: into a store with nothing
published, the graphs go under their own names (there is no version to keep whole; the record,
written last, says a version is there, and a push that fails drops what it wrote); and a version's
merge graph, named for the version, goes under its own name unless the store has it already. A
``MOVE`` costs Oxigraph about 0.15 ms a triple (311 s for a million graph triples and their merge),
so the first push of a million triples takes one minute, and a later one the uploads of the merge
and of the changed graphs plus their ``MOVE``.
4. One SPARQL Update request switches: each staged graph is ``MOVE``d onto its published name,
   graphs the new version no longer has are dropped and the publication record
   (``remote.PUBLICATION``: version, graphs, their digests, merge graph) is rewritten. The version before's
   merge graph is kept until the next push, for a server that has not yet moved to this
   version. A SPARQL server applies one update request as one transaction (Oxigraph and Fuseki
   do), so a push that fails before or during the switch leaves the published graphs as they
   were.

Pushing the version the record already names, with every count as expected, writes nothing. One
push at a time: a second push would drop the first one's staging graphs.

Queries, updates and uploads go through the one HTTP client of ``store.client`` (kept-alive
connections, credentials, one deadline a request). (Until this version the merge was
made inside the store with ``INSERT … WHERE`` after one N-Triples PUT per graph: 560 s of a push
of a million triples.)
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, replace

from pyoxigraph import BlankNode, NamedNode, RdfFormat, parse

from .config import Settings
from .errors import ConfigError, PushFailed, StoreTimeout, StoreUnavailable
from .graph.version import DatasetVersion
from .progress import bar
from .store.client import HttpClient, Reply
from .store.remote import (
    MERGE_PREFIX,
    PUBLICATION,
    STAGING_PREFIX,
    Publication,
    merge_graph,
)

__all__ = ["PushReport", "StoreEndpoints", "push", "read_publication"]

#: about how many bytes one upload request carries (whole graphs: a bigger graph goes alone)
UPLOAD_BYTES = 16 << 20


@dataclass(frozen=True)
class StoreEndpoints:
    """Where a remote store answers queries, updates and the Graph Store Protocol."""

    query: str
    update: str
    gsp: str
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, store: str | None = None) -> StoreEndpoints:
        """The settings' URLs; ``store`` (a server's base URL) fills the unset ones as Oxigraph
        server lays them out: ``/query``, ``/update``, ``/store``."""
        base = store.rstrip("/") if store else None
        urls = {"query": settings.store_query_url, "update": settings.store_update_url,
                "gsp": settings.store_gsp_url}
        defaults = {"query": "/query", "update": "/update", "gsp": "/store"}
        for name, url in urls.items():
            if url is None and base is not None:
                urls[name] = base + defaults[name]
            if urls[name] is None:
                raise ConfigError(f"no {name} URL for the store: give --store URL or set "
                                  f"store_{name}_url")
            if urllib.parse.urlsplit(urls[name]).scheme not in ("http", "https"):
                raise ConfigError(f"the store's {name} URL must be http(s): {urls[name]!r}")
        return cls(urls["query"], urls["update"], urls["gsp"], settings.store_user,
                   settings.store_password)


@dataclass(frozen=True)
class PushReport:
    version: str
    #: published graph name -> triples, the merge graph included
    graphs: dict[str, int]
    #: False when the store already held this version: nothing was written
    changed: bool
    #: graphs of the previous version that the new one no longer has (dropped by the switch)
    dropped: tuple[str, ...] = ()
    #: graphs the store published already as they are: not uploaded again
    unchanged: tuple[str, ...] = ()


class _Client:
    """The store's three endpoints through the one HTTP client (``store.client``): credentials,
    one time-out (``push_timeout``), every failure a domain error that says what failed."""

    def __init__(self, endpoints: StoreEndpoints, timeout: float) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self.http = HttpClient(user=endpoints.user, password=endpoints.password, timeout=timeout,
                               name="The store")

    def select(self, query: str) -> list[dict[str, str]]:
        reply = self._send(self.endpoints.query, _FORM, urllib.parse.urlencode(
            {"query": query}).encode(), "the query", accept="application/sparql-results+json")
        try:
            rows = json.loads(reply.body)["results"]["bindings"]
            return [{k: v["value"] for k, v in row.items()} for row in rows]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreUnavailable(f"The store's answer to a query cannot be read ({exc}).") from None

    def update(self, update: str) -> None:
        self._send(self.endpoints.update, _FORM, urllib.parse.urlencode({"update": update}).encode(),
                   "the update")

    def post(self, nquads: bytes) -> None:
        """Add ``nquads`` to the store's dataset (Graph Store endpoint, no graph named)."""
        self._send(self.endpoints.gsp, "application/n-quads", nquads, "the upload")

    def _send(self, url: str, content_type: str, body: bytes, what: str,
              accept: str | None = None) -> Reply:
        headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
        try:
            reply = self.http.request("POST", url, body, headers, what=what)
        except StoreTimeout as exc:
            raise StoreUnavailable(f"{exc.message[:-1]} (push_timeout).") from None
        if not reply.ok:
            raise self.refused(reply, what)
        return reply

    def refused(self, reply: Reply, what: str) -> StoreUnavailable:
        return StoreUnavailable(f"The store refused {what}: {reply.status} {reply.reason} "
                                f"{reply.said(500)}".rstrip())

    def close(self) -> None:
        self.http.close()


#: a SPARQL Protocol request's body
_FORM = "application/x-www-form-urlencoded"


@dataclass
class _Content:
    """A version's named graphs, read from its N-Quads dump."""

    #: graph -> its statements as N-Triples (no final dot), in the dump's order
    graphs: dict[str, list[str]]
    #: graph -> its statements that hold a blank node: a store gives each upload request blank
    #: nodes of its own, so the merge gets these in the request that carries their graph, or
    #: copied from the published graph inside the store
    blank: dict[str, set[str]]
    #: graph -> sha256 of its statements: equal digests, equal graphs (the build's blank-node
    #: labels come from the content)
    digests: dict[str, str]
    #: distinct triples of all graphs: the merge's size
    merged: int


def _graphs(version: DatasetVersion) -> _Content:
    graphs: dict[str, list[str]] = {}
    blank: dict[str, set[str]] = {}
    merged: set[str] = set()
    for quad in parse(path=str(version.dump_path("nq")), format=RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, NamedNode):
            raise PushFailed("The version's N-Quads dump has a triple in no named graph: rebuild it.")
        triple = str(quad.triple)
        graph = quad.graph_name.value
        graphs.setdefault(graph, []).append(triple)
        if isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode):
            blank.setdefault(graph, set()).add(triple)
        merged.add(triple)
    digests = {g: hashlib.sha256("\n".join(statements).encode()).hexdigest()
               for g, statements in graphs.items()}
    return _Content(dict(sorted(graphs.items())), blank, digests, len(merged))


def _requests(graphs: dict[str, list[str]], names: dict[str, str], merge: str,
              limit: int | None = None) -> Iterator[bytes]:
    """N-Quads request bodies of whole graphs, ``limit`` (``UPLOAD_BYTES``) bytes or so each: every
    statement into its graph's staged name (graphs without a name in ``names``: none) and into
    the staged merge."""
    limit = UPLOAD_BYTES if limit is None else limit
    body: list[str] = []
    size = 0
    for graph, statements in graphs.items():
        into_merge = f" <{merge}> .\n"
        if graph in names:
            suffix = f" <{names[graph]}> .\n"
            for statement in statements:
                body += (statement, suffix, statement, into_merge)
                size += 2 * len(statement) + len(suffix) + len(into_merge)
        else:
            for statement in statements:
                body += (statement, into_merge)
                size += len(statement) + len(into_merge)
        if size >= limit:
            yield "".join(body).encode()
            body, size = [], 0
    if body:
        yield "".join(body).encode()


def offline_nquads(version: DatasetVersion) -> bytes:
    """What a push publishes, as one N-Quads document, for stores loaded offline (``oxigraph
    load``, QLever's index builder, ``tdb2.tdbloader``): the named graphs, their merge (sharing
    their blank nodes, one document) and the publication record."""
    content = _graphs(version)
    graphs = content.graphs
    merge = merge_graph(version.version)
    body = b"".join(_requests(graphs, {g: g for g in graphs}, merge, limit=0))
    record = Publication(version.version, tuple(graphs), merge, digests=content.digests).statements()
    return body + "".join(f"{line} <{PUBLICATION}> .\n" for line in record).encode()


def _iris(names) -> str:
    return " ".join(f"<{name}>" for name in names)


def _counts(client: _Client, graphs: list[str]) -> dict[str, int]:
    rows = client.select("SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { " + _iris(graphs)
                         + " } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows}


def read_publication(endpoints: StoreEndpoints, timeout: float) -> Publication | None:
    """What the store's publication record says is published (``None``: nothing yet)."""
    client = _Client(endpoints, timeout)
    try:
        return Publication.from_rows(client.select(Publication.QUERY))
    finally:
        client.close()


def push(version: DatasetVersion, endpoints: StoreEndpoints, settings: Settings) -> PushReport:
    """Publish ``version`` in the store all or nothing (see the module docstring); into a
    Virtuoso, as ``push_virtuoso`` says."""
    from . import push_virtuoso  # its steps are built on this module's

    if push_virtuoso.is_virtuoso(endpoints, settings.push_timeout):
        return push_virtuoso.push(version, endpoints, settings)
    client = _Client(endpoints, settings.push_timeout)
    try:
        return _publish(client, version)
    finally:
        client.close()


@dataclass(frozen=True)
class _Start:
    """What a push of a version starts from (either kind of store): the version's content, the
    triple counts the store must end with, and the record of what it publishes now."""

    content: _Content
    merge: str
    #: graph -> its triples in this version
    expected: dict[str, int]
    previous: Publication | None

    @property
    def expected_all(self) -> dict[str, int]:
        return {**self.expected, self.merge: self.content.merged}


def _start(client: _Client, version: DatasetVersion) -> _Start | PushReport:
    """Read ``version`` and the store's record; a ``PushReport`` (nothing written) when the store
    publishes this version already with every count as expected, else the leftovers of an
    interrupted push dropped and the start."""
    content = _graphs(version)
    expected = {graph: len(statements) for graph, statements in content.graphs.items()}
    start = _Start(content, merge_graph(version.version), expected,
                   Publication.from_rows(client.select(Publication.QUERY)))
    previous, expected_all = start.previous, start.expected_all
    if previous is not None and previous.version == version.version \
            and set(previous.graphs) == set(expected) \
            and _counts(client, list(expected_all)) == expected_all:
        return PushReport(version.version, expected_all, changed=False)
    _drop_staging(client, previous)
    return start


def _publish(client: _Client, version: DatasetVersion) -> PushReport:
    start = _start(client, version)
    if isinstance(start, PushReport):
        return start
    content, merge, expected, previous = start.content, start.merge, start.expected, start.previous
    graphs, merged, expected_all = content.graphs, content.merged, start.expected_all
    prefix = f"{STAGING_PREFIX}{version.version}:"
    kept = _unchanged(client, previous, content.digests, expected)
    changed = {graph: statements for graph, statements in graphs.items() if graph not in kept}
    # Nothing published: the graphs go under their own names (there is no version to keep whole,
    # and a MOVE costs Oxigraph ~0.15 ms a triple). The merge of a new version is named for it and
    # read by nobody until the record names it: it too goes under its own name, unless the store
    # has it already (the version pushed again).
    direct = previous is None
    targets = {graph: graph if direct else f"{prefix}{n}" for n, graph in enumerate(changed)}
    existing = (previous.merge, previous.previous_merge) if previous is not None else ()
    merge_target = f"{prefix}merge" if merge in existing else merge
    written = [*(targets.values() if direct else ()), *([merge] if merge_target == merge else [])]
    # the unchanged graphs' statements go into the merge alone: those without a blank node
    # uploaded, those with one copied from the published graph (one node in both)
    into_merge = {g: [t for t in graphs[g] if t not in content.blank.get(g, ())] for g in kept}
    try:
        if written:
            client.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in written))
        total = 2 * sum(map(len, changed.values())) + sum(map(len, into_merge.values()))
        with bar(total, "push: uploading graphs", unit="triple") as progress:
            for body in _requests({**changed, **into_merge}, targets, merge_target):
                client.post(body)
                progress.update(body.count(b"\n"))
        copies = [g for g in sorted(kept) if content.blank.get(g)]
        if copies:
            client.update(" ;\n".join(
                f"INSERT {{ GRAPH <{merge_target}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> "
                "{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }" for graph in copies))
        wanted = {targets[g]: expected[g] for g in changed} | {merge_target: merged}
        found = _counts(client, list(wanted))
        wrong = [f"{name}: {found.get(name, 0)} triples, {n} expected"
                 for name, n in wanted.items() if found.get(name, 0) != n]
        if wrong:
            raise PushFailed("The store does not hold what was uploaded, so nothing was switched: "
                             + "; ".join(wrong))
        dropped = tuple(sorted(set(previous.graphs if previous else ()) - set(expected)))
        staged = {g: t for g, t in targets.items() if t != g}
        client.update(_switch(Publication(version.version, tuple(graphs), merge,
                                          digests=content.digests), staged,
                              merge_target if merge_target != merge else None, previous, dropped))
    except BaseException:
        _clean_up(client, previous, written if direct else [])
        raise
    return PushReport(version.version, expected_all, changed=True, dropped=dropped,
                      unchanged=tuple(sorted(kept)))


def _clean_up(client: _Client, previous: Publication | None, written: list[str]) -> None:
    """After a failed push: drop the staging graphs and what was ``written`` under published names
    (a first push: none of it published yet); a store that is gone is left to the next push."""
    try:
        _drop_staging(client, previous)
        if written:
            client.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in written))
    except StoreUnavailable:
        pass


def _unchanged(client: _Client, previous: Publication | None, digests: dict[str, str],
               expected: dict[str, int]) -> set[str]:
    """The graphs the store publishes already as they are in this version: the record gives the
    same digest, and the published graph holds as many triples as this version's."""
    if previous is None:
        return set()
    same = [g for g, digest in digests.items()
            if g in previous.graphs and previous.digests.get(g) == digest]
    if not same:
        return set()
    found = _counts(client, same)
    return {g for g in same if found.get(g) == expected[g]}


def _drop_staging(client: _Client, previous: Publication | None) -> None:
    """Drop what an interrupted push left: staging graphs, and merge graphs the record does not
    name (a version's merge is uploaded under its own name)."""
    kept = {previous.merge, previous.previous_merge} if previous is not None else set()
    leftovers = [graph for graph in _graph_names(client)
                 if graph.startswith((STAGING_PREFIX, MERGE_PREFIX)) and graph not in kept]
    if leftovers:
        client.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in leftovers))


def _graph_names(client: _Client) -> set[str]:
    """The names of the store's graphs. ``GRAPH ?g {}`` lists them without reading a quad where
    the store can (Oxigraph: 19 ms where reading 200k quads took 190 ms, 4.7 s at a million);
    a store that lists none so has its quads read."""
    names = {row["g"] for row in client.select("SELECT ?g WHERE { GRAPH ?g { } }") if "g" in row}
    if not names:  # no graph at all, or a store that does not list them so (Virtuoso: unbound)
        rows = client.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        names = {row["g"] for row in rows}
    return names


def _switch(record: Publication, staged: dict[str, str], staged_merge: str | None,
            previous: Publication | None, dropped: tuple[str, ...]) -> str:
    """The one update request that publishes the uploaded graphs (a single transaction): staged
    graphs moved onto their names, graphs the version no longer has dropped, the record rewritten
    (``record``, to which the merge kept one push longer is added here)."""
    merge = record.merge
    operations = [f"DROP SILENT GRAPH <{graph}>" for graph in dropped]
    kept = previous.merge if previous is not None and previous.merge != merge else None
    if previous is not None and previous.previous_merge not in (None, merge, kept):
        operations.append(f"DROP SILENT GRAPH <{previous.previous_merge}>")
    operations += [f"MOVE GRAPH <{target}> TO GRAPH <{graph}>" for graph, target in staged.items()]
    if staged_merge is not None:
        operations.append(f"MOVE GRAPH <{staged_merge}> TO GRAPH <{merge}>")
    operations.append(f"DROP SILENT GRAPH <{PUBLICATION}>")
    operations.append("INSERT DATA { GRAPH <" + PUBLICATION + "> { "
                      + " ".join(f"{line} ." for line in replace(record, previous_merge=kept)
                                 .statements()) + " } }")
    return " ;\n".join(operations)
