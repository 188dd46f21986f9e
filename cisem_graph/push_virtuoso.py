"""Push a built dataset version into OpenLink Virtuoso (7.2), all or nothing.

``push.push`` hands over to this module when the store's query endpoint answers with Virtuoso's
``Server`` header (as the remote store knows a Virtuoso): the steps are ``push``'s, in what
Virtuoso accepts (measured against Debian's 7.2.5.1, ``tests/test_push_virtuoso.py``):

- uploads: Virtuoso's Graph Store endpoint takes one graph a request (``?graph=``, N-Triples);
  N-Quads or TriG for the whole dataset are answered 200 or 500 and store nothing. So each named
  graph is POSTed on its own (a document: its blank nodes are one node wherever they appear in
  it), and the merge is made in the store, ``ADD`` of each uploaded graph: the merge's blank nodes
  are the graphs' own. (A blank node shared by two graphs of the dump becomes two nodes, one per
  upload: the merge's count differs from the dump's and the push stops before its switch.)
- the switch: Virtuoso applies the operations of one update request one after the other and
  keeps those done before a failing one (a ``MOVE`` and then an operation failing at run time:
  the ``MOVE`` stays). One operation is one transaction: a failing ``DELETE … INSERT … WHERE``
  changes nothing. So the switch is one operation: its ``WHERE`` is the union of the published
  graphs to replace or drop (deleted) and of the staged graphs, the new publication record among
  them (inserted under their published names, then dropped); Virtuoso deletes before it inserts,
  so a triple of both versions stays.
- limits: Virtuoso aborts a transaction larger than ``TransactionAfterImageLimit`` (its default,
  50 MB, is passed by the switch of a million triples) or longer than ``MaxQueryExecutionTime``
  (updates too): the error names the setting, and nothing is switched. A ``PUT`` to the Graph
  Store endpoint never comes back from 7.2.5: uploads are POSTs into emptied graphs.

Staging names, counts checked before the switch, the first push under the graphs' own names, the
merge named for its version, the version before's merge kept one push longer, the same version
twice writing nothing: as ``push``.
"""

from __future__ import annotations

import urllib.parse

from .config import Settings
from .errors import PushFailed, StoreTimeout, StoreUnavailable
from .graph.version import DatasetVersion
from .progress import bar
from .push import (
    PushReport,
    StoreEndpoints,
    _clean_up,
    _Client,
    _counts,
    _drop_staging,
    _iris,
    _start,
)
from .store import virtuoso
from .store.client import HttpClient, Reply
from .store.remote import PUBLICATION, STAGING_PREFIX, Publication

__all__ = ["is_virtuoso", "push"]


def is_virtuoso(endpoints: StoreEndpoints, timeout: float) -> bool:
    """Whether the store's query endpoint answers as a Virtuoso (its ``Server`` header, whatever
    the status; a store that cannot be reached is not one: the push then says why)."""
    client = HttpClient(user=endpoints.user, password=endpoints.password, timeout=timeout)
    try:
        reply = client.request("GET", endpoints.query + "?"
                               + urllib.parse.urlencode({"query": "ASK {}"}))
    except (StoreUnavailable, StoreTimeout):
        return False
    finally:
        client.close()
    return virtuoso.is_virtuoso(reply.header("Server"))


class _Virtuoso(_Client):
    """``push``'s client with the uploads Virtuoso takes (a graph a request) and Virtuoso's own
    limits named when it refuses an update for them."""

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Add ``ntriples`` (one document) to ``graph`` (Graph Store endpoint, ``?graph=``; a PUT
        never comes back from Virtuoso 7.2.5)."""
        self._send(self.endpoints.gsp + "?" + urllib.parse.urlencode({"graph": graph}),
                   "application/n-triples", ntriples, "the upload")

    def refused(self, reply: Reply, what: str) -> StoreUnavailable:
        said = reply.said(500)
        code = next((code for code in _LIMITS if code in said), None)
        if code is not None:
            return StoreUnavailable(f"Virtuoso refused {what} ({code}): {_LIMITS[code]}.")
        return super().refused(reply, what)


#: Virtuoso's errors for an update larger or longer than its settings allow, and what to raise
_LIMITS = {
    "SR325": "one transaction larger than its TransactionAfterImageLimit: raise it in the "
             "[Parameters] of virtuoso.ini, as the README's recipe says",
    "SR171": "a transaction longer than its MaxQueryExecutionTime: raise it in the [SPARQL] "
             "section of virtuoso.ini, as the README's recipe says",
}


def _document(statements: list[str]) -> bytes:
    return "".join(f"{statement} .\n" for statement in statements).encode()


def push(version: DatasetVersion, endpoints: StoreEndpoints, settings: Settings) -> PushReport:
    """Publish ``version`` in a Virtuoso all or nothing (see the module docstring)."""
    client = _Virtuoso(endpoints, settings.push_timeout)
    try:
        return _push(client, version)
    finally:
        client.close()


def _push(client: _Virtuoso, version: DatasetVersion) -> PushReport:
    start = _start(client, version)
    if isinstance(start, PushReport):
        return start
    merge, expected, previous = start.merge, start.expected, start.previous
    graphs, merged, expected_all = start.content.graphs, start.content.merged, start.expected_all
    prefix = f"{STAGING_PREFIX}{version.version}:"
    direct = previous is None  # nothing published: nobody reads what is written (see ``push``)
    targets = {graph: graph if direct else f"{prefix}{n}" for n, graph in enumerate(graphs)}
    existing = (previous.merge, previous.previous_merge) if previous is not None else ()
    merge_target = f"{prefix}merge" if merge in existing else merge
    written = [*(targets.values() if direct else ()), *([merge] if merge_target == merge else [])]
    if direct:  # a record nobody could read, from an earlier push: the new one is written alone
        written.append(PUBLICATION)
    kept = previous.merge if previous is not None and previous.merge != merge else None
    record = Publication(version.version, tuple(graphs), merge, kept).statements()
    try:
        if written:
            client.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in written))
        with bar(sum(expected.values()), "push: uploading graphs", unit="triple") as progress:
            for graph, statements in graphs.items():
                client.post_graph(targets[graph], _document(statements))
                progress.update(len(statements))
        # one operation a graph, each its own transaction (the merge is read by nobody until
        # the record names it)
        client.update(" ;\n".join(f"ADD <{target}> TO <{merge_target}>"
                                  for target in targets.values()))
        wanted = {targets[g]: n for g, n in expected.items()} | {merge_target: merged}
        if not direct:
            wanted[f"{prefix}record"] = len(record)
            client.post_graph(f"{prefix}record", _document(record))
        found = _counts(client, list(wanted))
        wrong = [f"{name}: {found.get(name, 0)} triples, {n} expected"
                 for name, n in wanted.items() if found.get(name, 0) != n]
        if wrong:
            raise PushFailed("The store does not hold what was uploaded, so nothing was switched: "
                             + "; ".join(wrong))
        dropped = tuple(sorted(set(previous.graphs if previous else ()) - set(expected)))
        if direct:  # the record, written last, says a version is there
            client.post_graph(PUBLICATION, _document(record))
        else:
            client.update(_switch(previous, merge, kept, dropped, {
                **{target: graph for graph, target in targets.items()},
                **({merge_target: merge} if merge_target != merge else {}),
                f"{prefix}record": PUBLICATION}))
    except BaseException:
        _clean_up(client, previous, written if direct else [])
        raise
    if not direct:
        try:  # copied at the switch, read by nobody: the next push drops what is left
            _drop_staging(client, Publication(version.version, tuple(graphs), merge, kept))
        except StoreUnavailable:
            pass
    return PushReport(version.version, expected_all, changed=True, dropped=dropped)


def _switch(previous: Publication, merge: str, kept: str | None, dropped: tuple[str, ...],
            staged: dict[str, str]) -> str:
    """The one operation that publishes the staged graphs (``staged``: staged name -> published
    name, the record's among them): the graphs they replace, the dropped ones and the merge no
    longer kept deleted, each staged graph's triples copied under its published name (the staged
    graphs, read by nobody, are dropped after it: a smaller transaction)."""
    old = [*staged.values(), *dropped]
    if previous.previous_merge not in (None, merge, kept):
        old.append(previous.previous_merge)
    pairs = " ".join(f"(<{source}> <{target}>)" for source, target in staged.items())
    return ("DELETE { GRAPH ?old { ?s ?p ?o } } INSERT { GRAPH ?new { ?s ?p ?o } } WHERE {\n"
            f"  {{ VALUES ?old {{ {_iris(old)} }} GRAPH ?old {{ ?s ?p ?o }} }}\n"
            f"  UNION {{ VALUES (?staged ?new) {{ {pairs} }} GRAPH ?staged {{ ?s ?p ?o }} }}\n}}")
