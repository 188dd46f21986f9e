"""Serializers for query answers, written for the isolated query process.

SELECT and ASK answers are written here, after the W3C Recommendations (SPARQL 1.1 Query Results
JSON, XML, CSV and TSV), so that the result cap can cut an answer short and say so: at most
``limit`` rows are written and ``truncated`` is reported when more existed. A capped JSON answer
also carries a top-level ``"truncated": true`` member, which SPARQL JSON parsers ignore.
CONSTRUCT and DESCRIBE answers are capped here and written by pyoxigraph.

Terms are pyoxigraph terms; only ``bytes`` leave this module. It imports nothing heavy, because
every query process loads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import islice

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    serialize,
)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

#: The variable Jena/Fuseki use to write an ASK answer as CSV or TSV (the Recommendation has none).
ASK_VARIABLE = "_askResult"

RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
    "trig": RdfFormat.TRIG,
    "nquads": RdfFormat.N_QUADS,
}
#: Formats in which pyoxigraph writes ``@prefix`` / ``xmlns`` declarations.
PREFIX_FORMATS = frozenset({"turtle", "trig", "rdfxml"})
SOLUTION_FORMATS = frozenset({"json", "xml", "csv", "tsv"})


def cap(items: Iterable, limit: int) -> tuple[list, bool]:
    """At most ``limit`` items, and whether more existed."""
    taken = list(islice(items, limit + 1))
    if len(taken) > limit:
        return taken[:limit], True
    return taken, False


def encode_term(term) -> tuple:
    """A pyoxigraph term as a tuple of strings, quick to pickle (``store.terms.decode`` reads it):
    ``("u", iri)``, ``("b", id)``, ``("l", value, language, datatype)`` (``None`` for a language
    or no datatype: ``xsd:string`` is written as none), ``("t", subject, predicate, object)``."""
    kind = type(term)
    if kind is NamedNode:
        return ("u", term.value)
    if kind is Literal:
        language = term.language
        datatype = None if language else term.datatype.value
        return ("l", term.value, language, None if datatype == XSD_STRING else datatype)
    if kind is BlankNode:
        return ("b", term.value)
    if kind is Triple:
        return ("t", encode_term(term.subject), encode_term(term.predicate),
                encode_term(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


# --- SELECT -------------------------------------------------------------------------------------


def write_solutions(
    solutions: Iterable, variables: list[str], fmt: str, limit: int
) -> tuple[bytes, int, bool]:
    """Write at most ``limit`` solutions in ``fmt``; return ``(body, rows, truncated)``.

    ``solutions`` yields sequences of terms (or ``None`` for unbound) in the order of
    ``variables``; pyoxigraph's ``QuerySolution`` is one.
    """
    rows, truncated = cap(solutions, limit)
    writer = _SOLUTION_WRITERS[fmt]
    return writer(rows, variables, truncated), len(rows), truncated


def write_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer."""
    word = "true" if value else "false"
    if fmt == "json":
        return b'{"head":{},"boolean":' + word.encode() + b"}\n"
    if fmt == "xml":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n'
                f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n").encode()
    if fmt == "csv":
        return f"{ASK_VARIABLE}\r\n{word}\r\n".encode()
    if fmt == "tsv":
        return f"?{ASK_VARIABLE}\n{word}\n".encode()
    raise KeyError(fmt)


# JSON


def _json_term(term) -> dict:
    kind = type(term)
    if kind is NamedNode:
        return {"type": "uri", "value": term.value}
    if kind is Literal:
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    if kind is BlankNode:
        return {"type": "bnode", "value": term.value}
    if kind is Triple:
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        }}
    raise TypeError(f"not an RDF term: {term!r}")


#: The C encoder at its fastest: ASCII output (non-ASCII as \u escapes), no cycle check.
_dumps = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def _write_json(rows: list, variables: list[str], truncated: bool) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True)
         if term is not None}
        for row in rows
    ]
    answer: dict = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    if truncated:
        answer["truncated"] = True
    return _dumps(answer).encode("utf-8") + b"\n"


# XML


_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                           "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


def _xml_term(term) -> str:
    kind = type(term)
    if kind is NamedNode:
        return f"<uri>{term.value.translate(_XML_TEXT)}</uri>"
    if kind is Literal:
        value = term.value.translate(_XML_TEXT)
        if term.language:
            return f'<literal xml:lang="{term.language.translate(_XML_ATTR)}">{value}</literal>'
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return f"<literal>{value}</literal>"
        return f'<literal datatype="{datatype.translate(_XML_ATTR)}">{value}</literal>'
    if kind is BlankNode:
        return f"<bnode>{term.value.translate(_XML_TEXT)}</bnode>"
    if kind is Triple:
        return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
                f"<predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


def _write_xml(rows: list, variables: list[str], truncated: bool) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n<head>']
    parts.extend(f'<variable name="{name}"/>' for name in variables)
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f'<binding name="{name}">{_xml_term(term)}</binding>')
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode("utf-8")


# CSV: plain values, RFC 4180 quoting, CRLF

#: Characters that make a CSV field quoted: RFC 4180's, and every line boundary Python's
#: ``str.splitlines`` knows, so that line-oriented readers (rdflib's) keep the row whole.
_CSV_QUOTED = re.compile('[",\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]').search


def _csv_value(term) -> str:
    kind = type(term)
    if term is None:
        return ""
    if kind is NamedNode or kind is Literal:
        value = term.value
    elif kind is BlankNode:
        value = "_:" + term.value
    else:
        value = _nt_term(term)
    if _CSV_QUOTED(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_csv(rows: list, variables: list[str], truncated: bool) -> bytes:
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_value(term) for term in row) for row in rows)
    lines.append("")
    return "\r\n".join(lines).encode("utf-8")


# TSV: terms in Turtle / N-Triples form, LF


#: Turtle string escapes: ECHAR where one exists; the other characters that end a line for Python's
#: ``str.splitlines`` as UCHAR, so a TSV row stays one line for line-oriented readers (rdflib's
#: reads no UCHAR, so nothing else is escaped: raw control characters are valid Turtle).
_NT_STRING = {i: f"\\u{i:04X}" for i in (0x0B, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}
_NT_STRING.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r",
                   ord("\b"): "\\b", ord("\f"): "\\f", ord('"'): '\\"', ord("\\"): "\\\\"})


def _nt_term(term) -> str:
    kind = type(term)
    if kind is NamedNode:
        return f"<{term.value}>"
    if kind is Literal:
        value = '"' + term.value.translate(_NT_STRING) + '"'
        if term.language:
            return f"{value}@{term.language}"
        datatype = term.datatype.value
        return value if datatype == XSD_STRING else f"{value}^^<{datatype}>"
    if kind is BlankNode:
        return "_:" + term.value
    if kind is Triple:
        return f"<<( {_nt_term(term.subject)} {_nt_term(term.predicate)} {_nt_term(term.object)} )>>"
    raise TypeError(f"not an RDF term: {term!r}")


def _write_tsv(rows: list, variables: list[str], truncated: bool) -> bytes:
    lines = ["\t".join("?" + name for name in variables)]
    lines.extend("\t".join("" if term is None else _nt_term(term) for term in row) for row in rows)
    lines.append("")
    return "\n".join(lines).encode("utf-8")


_SOLUTION_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}


# --- CONSTRUCT / DESCRIBE -----------------------------------------------------------------------


def write_triples(
    triples: Iterable[Triple], fmt: str, limit: int, prefixes: dict[str, str] | None = None
) -> tuple[bytes, int, bool]:
    """Write at most ``limit`` triples in an RDF format; return ``(body, triples, truncated)``.

    Dataset formats (TriG, N-Quads) get the triples in the default graph.
    """
    rdf_format = RDF_FORMATS[fmt]
    taken, truncated = cap(triples, limit)
    items: list = taken
    if rdf_format.supports_datasets:
        graph = DefaultGraph()
        items = [Quad(t.subject, t.predicate, t.object, graph) for t in taken]
    body = serialize(items, format=rdf_format,
                     prefixes=prefixes if fmt in PREFIX_FORMATS and prefixes else None)
    if fmt == "rdfxml":
        # pyoxigraph 0.5 writes a carriage return in a literal as is, which every XML parser
        # reads back as a line feed; a character reference keeps it (its own lines end in LF).
        body = body.replace(b"\r", b"&#13;")
    return body, len(taken), truncated
