"""What an upload would publish, seen before it is published.

The upload's staged data (``uploads``) is built as a publish would build it — parse, validate,
write a dataset version with its store — in a child process (``reload.build_apart``), into the
upload's own folder: outside ``dist/``, never switched to, never pushed to a remote store. Then:

- the statements added and removed in each named graph that changes (the graphs of the changed
  data files, and the generated metadata graph), against the version being served, compared up to
  blank-node renaming (``rdflib.compare``), as the release changelog compares;
- the things the upload creates or adds to, whose pages the staff area renders from the preview's
  store with the site's own views (``web.staff``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from ..config import Settings
from ..errors import LoadError
from ..graph.sources import METADATA_GRAPH, turtle_files
from ..graph.version import DatasetVersion, open_current, switch_current
from ..namespaces import graph_iri
from ..queries import query_prefixes
from ..reload import build_apart
from ..store import Store, open_store
from . import tasks
from .files import sha256_of
from .uploads import Upload

#: the preview's state (``tasks``) and, once built, the preview
PREVIEW = "preview.json"
BUILT, REFUSED = "built", "refused"
#: statements listed per graph and direction; the counts are always whole
MAX_LISTED = 500
#: a local name written after a prefix as it is (else the IRI is written whole)
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


@dataclass
class GraphChange:
    graph: str
    name: str
    added: list[str]
    removed: list[str]
    added_count: int
    removed_count: int


@dataclass
class Preview:
    state: str  #: built, or refused (the data with the upload does not build)
    version: str | None = None
    triples: int = 0
    changes: list[GraphChange] = field(default_factory=list)
    #: why the build refused (violations with their it/en messages, or a file that cannot load)
    findings: list[dict] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.state == BUILT

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def of(cls, raw: dict) -> Preview:
        known = {f.name for f in fields(cls)} - {"changes"}
        return cls(**{k: v for k, v in raw.items() if k in known},
                   changes=[GraphChange(**c) for c in raw.get("changes", [])])


def preview_state(settings: Settings, upload: Upload) -> dict | None:
    """The preview's build (``tasks``): running, built, refused, failed or interrupted; ``None``
    when none was asked for."""
    return tasks.read(upload.folder(settings) / PREVIEW)


def load_preview(settings: Settings, upload: Upload) -> Preview | None:
    """The preview, once built (or refused)."""
    state = preview_state(settings, upload)
    return Preview.of(state) if state and state["state"] in (BUILT, REFUSED) else None


def start_preview(settings: Settings, upload: Upload) -> threading.Thread | None:
    """``build_preview`` in the background, unless one is being built already."""
    path = upload.folder(settings) / PREVIEW
    if tasks.running(path):
        return None
    return tasks.start(path, lambda: build_preview(settings, upload).as_json())


def preview_store(settings: Settings, upload: Upload) -> Store:
    """The preview's own store, to render its pages (``LoadError`` when there is none yet): the
    version in the upload's folder, embedded, also when the site serves a remote store, which
    holds only what is published."""
    version = open_current(upload.staged_settings(settings).dist_dir)
    return open_store(settings.replace(store_query_url=None, query_processes=1), version)


def build_preview(settings: Settings, upload: Upload) -> Preview:
    """Build the staged data apart and compare it with the served version."""
    staged = upload.staged_settings(settings)
    outcome, payload = build_apart(staged, Path(staged.dist_dir))
    if outcome == "invalid":
        return Preview(REFUSED, findings=[asdict(f) for f in payload],
                       message="the data with this file does not conform")
    if outcome == "unloadable":
        return Preview(REFUSED, message=str(payload))
    version, _warnings = payload
    switch_current(Path(staged.dist_dir), version.version)  # the upload's own dist/, not dist/
    return Preview(BUILT, version.version, version.triples, compare(settings, upload, version))


def compare(settings: Settings, upload: Upload, new: DatasetVersion) -> list[GraphChange]:
    """Statements added and removed in each graph that changes, against the served version."""
    base = settings.base_iri
    names = changed_files(Path(settings.data_dir), upload.staged(settings)) + [METADATA_GRAPH]
    try:
        old_store = ox.Store.read_only(str(open_current(settings.dist_dir).store_path))
    except (LoadError, OSError):
        old_store = None
    new_store = ox.Store.read_only(str(new.store_path))
    # the longest namespace first, so event: wins over a shorter prefix of the same IRI
    prefixes = sorted(query_prefixes(base).items(), key=lambda item: -len(item[1]))
    changes = []
    try:
        for name in names:
            iri = str(graph_iri(base, name))
            before = _graph(old_store, iri)
            after = _graph(new_store, iri)
            _both, removed, added = graph_diff(to_isomorphic(before), to_isomorphic(after))
            if len(added) or len(removed):
                changes.append(GraphChange(iri, name, _lines(added, prefixes),
                                           _lines(removed, prefixes), len(added), len(removed)))
    finally:
        del old_store, new_store
    return changes


def changed_files(data: Path, staged: Path) -> list[str]:
    """Graph names of the data files that differ between two data folders (added, changed or
    removed)."""
    before = {p.name: sha256_of(p) for p in turtle_files(data)}
    after = {p.name: sha256_of(p) for p in turtle_files(staged)}
    return sorted(name.removesuffix(".ttl") for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


def _graph(store: ox.Store | None, iri: str) -> Graph:
    graph = Graph()
    if store is not None:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
        if triples:
            graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _lines(graph: Graph, prefixes: list[tuple[str, str]]) -> list[str]:
    """Statements as people read Turtle: prefixed names, one per line, sorted, at most MAX_LISTED."""
    lines = sorted(" ".join(_term(t, prefixes) for t in triple) + " ." for triple in graph)
    return lines[:MAX_LISTED]


def _term(node, prefixes: list[tuple[str, str]]) -> str:
    if isinstance(node, URIRef):
        for name, namespace in prefixes:
            local = str(node)[len(namespace):]
            if str(node).startswith(namespace) and _LOCAL.match(local):
                return f"{name}:{local}"
        return node.n3()
    if isinstance(node, Literal):
        text = Literal(str(node)).n3()
        if node.language:
            return f"{text}@{node.language}"
        return f"{text}^^{_term(node.datatype, prefixes)}" if node.datatype else text
    return node.n3()
