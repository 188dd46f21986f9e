"""Write an imported graph as Turtle that reads like the curated files, byte for byte the same for
the same triples.

rdflib's serializer orders subjects and blank nodes as it likes and writes absolute IRIs; here the
output is sorted, uses the curated files' prefixes with IRIs relative to the base (so the base
stays a setting), and writes blank nodes inline (``[ a schema:VirtualLocation ; … ]``), so a
re-import of the same file gives the same bytes and a diff shows only what changed. The file is
written atomically: a temporary file beside it, then ``os.replace``.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, XSD
from rdflib.term import Node

from ..namespaces import COV, SDO

SPDX = "http://spdx.org/rdf/terms#"
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KINDS = ("organization", "person", "place", "event", "series", "role", "concept", "legislation")


def prefixes(base: str) -> list[tuple[str, str, str]]:
    """(prefix, IRI as written, absolute IRI), in the order the curated files declare them."""
    relative = [("schema", str(SDO), str(SDO)), ("cisem", "ontology#", f"{base}ontology#")]
    relative += [(kind, f"id/{kind}/", f"{base}id/{kind}/") for kind in _KINDS]
    relative.append(("graph", "graph/", f"{base}graph/"))
    standard = [("org", str(ORG)), ("cov", str(COV)), ("dct", str(DCTERMS)), ("prov", str(PROV)),
                ("spdx", SPDX), ("xsd", str(XSD))]
    return relative + [(name, iri, iri) for name, iri in standard]


class TurtleWriter:
    def __init__(self, graph: Graph, base: str) -> None:
        self.graph, self.base = graph, base
        self.prefixes = prefixes(base)
        # longest namespace first, so graph/ and id/kind/ win over shorter ones
        self._by_length = sorted(self.prefixes, key=lambda p: -len(p[2]))
        self.used: set[str] = set()

    def iri(self, iri: URIRef) -> str:
        text = str(iri)
        for name, _written, absolute in self._by_length:
            if text.startswith(absolute) and _LOCAL.match(text[len(absolute):]):
                self.used.add(name)
                return f"{name}:{text[len(absolute):]}"
        if text.startswith(self.base):
            return f"<{text[len(self.base):]}>"
        return f"<{text}>"

    def literal(self, literal: Literal) -> str:
        body = "".join(_ESCAPES.get(c, c) for c in str(literal))
        if literal.language:
            return f'"{body}"@{literal.language}'
        if literal.datatype and literal.datatype != XSD.string:
            return f'"{body}"^^{self.iri(literal.datatype)}'
        return f'"{body}"'

    def term(self, node: Node, depth: int) -> str:
        if isinstance(node, BNode):
            return self.blank(node, depth)
        if isinstance(node, Literal):
            return self.literal(node)
        return self.iri(node)  # type: ignore[arg-type]

    def blank(self, node: BNode, depth: int) -> str:
        body = self.properties(node, depth + 1)
        return f"[ {body} ]" if body else "[]"

    def properties(self, subject: Node, depth: int) -> str:
        indent = "    " * (depth + 1)
        groups = []
        predicates = sorted(set(self.graph.predicates(subject)),
                            key=lambda p: (p != RDF.type, self.iri(p)))
        for predicate in predicates:
            shown = "a" if predicate == RDF.type else self.iri(predicate)
            objects = sorted(self.term(o, depth) for o in self.graph.objects(subject, predicate))
            groups.append(f"{shown} {', '.join(objects)}")
        return f" ;\n{indent}".join(groups)

    def document(self, header: list[str], first: URIRef | None = None) -> str:
        subjects = sorted((s for s in set(self.graph.subjects()) if not isinstance(s, BNode)),
                          key=lambda s: (s != first, str(s)))
        blocks = [f"{self.iri(s)} {self.properties(s, 0)} ." for s in subjects]
        declared = [f"@prefix {name}: <{written}> ." for name, written, _ in self.prefixes
                    if name in self.used]
        lines = [f"# {line}" if line else "#" for line in header]
        return "\n".join(lines) + "\n\n" + "\n".join(declared) + "\n\n" + "\n\n".join(blocks) + "\n"


def to_turtle(graph: Graph, base: str, header: list[str], first: URIRef | None = None) -> str:
    return TurtleWriter(graph, base).document(header, first)


def write_atomically(path: Path, text: str) -> None:
    """A temporary file in the same folder (not ``*.ttl``, so no build reads it), then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
