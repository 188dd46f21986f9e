"""Write the dumps of a version beyond ``cisem.nq`` and ``cisem.nt`` (``version`` writes those two,
and the store from them), from the same sorted canonical N-Quads lines, one file at a time,
straight to disk: ``cisem.nq.gz`` (gzip with no name and no time in its header, so byte-identical
too), and through pyoxigraph's writers ``cisem.trig`` (graph by graph) and ``cisem.ttl`` (the
merge). pyoxigraph writes only expanded JSON-LD, so ``cisem.jsonld`` comes from the small writer
here: the project's prefixes as the context, one named graph after the other, one node object per
line, compact IRIs everywhere.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from .version import DUMP_NAME, chunks

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: gzip level of ``cisem.nq.gz``: zlib's default. At a million triples level 1 took 1.5 s of CPU
#: against 2.4 s, for a file 29 % larger (13.1 MB against 10.1 MB): a download is made more often
#: than a build
GZIP_LEVEL = 6


def graph_of(line: bytes) -> bytes:
    """The graph term of a canonical N-Quads line (``<g>``: every quad is in a named graph)."""
    return line[line.rindex(b" <") + 1:-3]


def by_graph(lines: Iterable[bytes]) -> dict[bytes, list[bytes]]:
    """The lines of each graph, in their order, the graphs in name order."""
    buckets: dict[bytes, list[bytes]] = {}
    for line in lines:
        buckets.setdefault(graph_of(line), []).append(line)
    return dict(sorted(buckets.items()))


def write_dumps(folder: Path, lines: list[bytes], prefixes: Mapping[str, str]) -> list[str]:
    """Write the dumps into ``folder``, beside its ``cisem.nq`` and ``cisem.nt``; return their names."""
    write_gzip(folder / f"{DUMP_NAME}.nq.gz", lines)
    graphs = by_graph(lines)
    quads = chain.from_iterable(ox.parse(b"".join(bucket), ox.RdfFormat.N_QUADS)
                                for bucket in graphs.values())
    _serialize(quads, folder / f"{DUMP_NAME}.trig", ox.RdfFormat.TRIG, prefixes)
    _serialize(ox.parse(path=folder / f"{DUMP_NAME}.nt", format=ox.RdfFormat.N_TRIPLES),
               folder / f"{DUMP_NAME}.ttl", ox.RdfFormat.TURTLE, prefixes)
    with (folder / f"{DUMP_NAME}.jsonld").open("w", encoding="utf-8") as out:
        write_jsonld(out, graphs, prefixes)
    return [f"{DUMP_NAME}.{extension}" for extension in ("nq.gz", "trig", "ttl", "jsonld")]


def write_gzip(path: Path, lines: Iterable[bytes]) -> None:
    """gzip with no file name and no time in its header: the same lines, the same bytes."""
    with path.open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as out:
        for chunk in chunks(lines):  # zlib's stream is the same however its input is cut
            out.write(b"".join(chunk))


def _serialize(quads: Iterable, path: Path, fmt: ox.RdfFormat, prefixes: Mapping[str, str]) -> None:
    """pyoxigraph's writer, with the ``@prefix`` lines put in name order afterwards (it writes
    them in the order of a hash map): the same lines in another order, so the same length."""
    ox.serialize(quads, str(path), fmt, prefixes=dict(prefixes))
    with path.open("r+b") as f:
        head = f.read(64 * 1024 + 200 * len(prefixes))
        lines = head.splitlines(keepends=True)
        count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
        f.seek(0)
        f.write(b"".join(sorted(lines[:count])))


class _Compactor:
    """Compact IRIs with the project's prefixes (the longest namespace that fits)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = iri
            for name, namespace in self.prefixes:
                # a suffix starting "//" would read as an absolute IRI of scheme ``name``
                if iri.startswith(namespace) and not iri[len(namespace):].startswith("//"):
                    found = f"{name}:{iri[len(namespace):]}"
                    break
            if len(self.cache) < 100_000:  # predicates, classes, datatypes repeat; subjects do not
                self.cache[iri] = found
        return found

    def node(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return self(term.value) if isinstance(term, ox.NamedNode) else str(term)

    def value(self, term) -> object:
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            return {"@id": self.node(term)}
        if term.language:
            value = {"@language": term.language, "@value": term.value}
            if term.direction:
                value["@direction"] = term.direction
            return value
        datatype = term.datatype.value
        if datatype == _STRING:
            return term.value
        return {"@type": self(datatype), "@value": term.value}


def write_jsonld(out, graphs: Mapping[bytes, list[bytes]], prefixes: Mapping[str, str]) -> None:
    """Compact JSON-LD of the named graphs: ``{"@context": prefixes, "@graph": [{"@id": graph,
    "@graph": [node, ...]}, ...]}``; a node's ``@type`` and properties in IRI order, values in
    the order of the sorted lines (``rdf:type`` objects that are literals stay a property)."""
    compact = _Compactor(prefixes)
    out.write('{\n"@context": ' + json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False,
                                              sort_keys=True) + ',\n"@graph": [\n')
    for g, (graph, lines) in enumerate(graphs.items()):
        name = compact(graph.decode("utf-8")[1:-1])
        out.write(("," if g else "") + '{"@id": ' + json.dumps(name, ensure_ascii=False)
                  + ', "@graph": [\n')
        subject = None
        node: dict = {}
        first = True
        for quad in ox.parse(b"".join(lines), ox.RdfFormat.N_QUADS):
            if quad.subject != subject:
                if subject is not None:
                    out.write(("" if first else ",\n") + json.dumps(node, ensure_ascii=False))
                    first = False
                subject = quad.subject
                node = {"@id": compact.node(subject)}
            predicate, obj = quad.predicate.value, quad.object
            if predicate == _RDF_TYPE and not isinstance(obj, ox.Literal):
                node.setdefault("@type", []).append(compact.node(obj))
            else:
                node.setdefault(compact(predicate), []).append(compact.value(obj))
        if subject is not None:
            out.write(("" if first else ",\n") + json.dumps(node, ensure_ascii=False))
        out.write("\n]}\n")
    out.write("]\n}\n")
