"""Answers as Python values: pyoxigraph terms (and their pickled form) turned into rdflib terms,
and the typed answers of ``store.base`` built from what a lane returns.

rdflib is the program's term model (pages, JSON-LD, descriptions). A plain literal comes back
without a datatype, as a SPARQL JSON reader gives it (rdflib tells ``"x"`` and
``"x"^^xsd:string`` apart). A quoted triple, which rdflib has no term for, comes back as a tuple
of its three terms. Not imported by query processes: they send ``results.encode_term`` tuples.
"""

from __future__ import annotations

from collections.abc import Callable

from pyoxigraph import (
    BlankNode,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)
from pyoxigraph import Literal as OxLiteral
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .base import Rows, Triples
from .results import XSD_STRING, cap
from .worker import Boolean, QueryReply, Solutions, Statements


def to_rdflib(term) -> Node | tuple:
    """An rdflib term for a pyoxigraph term."""
    kind = type(term)
    if kind is NamedNode:
        return URIRef(term.value)
    if kind is OxLiteral:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    if kind is BlankNode:
        return BNode(term.value)
    if kind is Triple:
        return (to_rdflib(term.subject), to_rdflib(term.predicate), to_rdflib(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


def decode(value: tuple) -> Node | tuple:
    """An rdflib term for a ``results.encode_term`` tuple."""
    tag = value[0]
    if tag == "u":
        return URIRef(value[1])
    if tag == "l":
        _, text, language, datatype = value
        return Literal(text, lang=language, datatype=URIRef(datatype) if datatype else None)
    if tag == "b":
        return BNode(value[1])
    if tag == "t":
        return (decode(value[1]), decode(value[2]), decode(value[3]))
    raise ValueError(f"not an encoded term: {value!r}")


def typed(reply: QueryReply, lane: str, term: Callable = lambda t: t) -> Rows | Triples | bool:
    """The typed answer for a lane's reply; ``term`` converts what its rows hold."""
    if isinstance(reply, Solutions):
        rows = [{name: term(value) for name, value in zip(reply.variables, row, strict=True)
                 if value is not None} for row in reply.rows]
        return Rows(reply.variables, rows, reply.truncated, lane)
    if isinstance(reply, Statements):
        return Triples([(term(s), term(p), term(o)) for s, p, o in reply.triples],
                       reply.truncated, lane)
    if isinstance(reply, Boolean):
        return reply.value
    raise TypeError(f"not an answer as values: {type(reply).__name__}")


def read_answer(body: bytes, graph: bool, lane: str, *, limit: int | None = None,
                truncated: bool = False) -> Rows | Triples | bool:
    """The typed answer in a serialized one: N-Triples (``graph``) or SPARQL JSON results.

    With ``limit``, at most that many rows or triples are read (``truncated`` says if more
    existed); else all, and ``truncated`` is passed on. pyoxigraph parses lazily: a broken body
    raises ``SyntaxError`` while it is read, here.
    """
    if graph:
        triples = parse(body, RdfFormat.N_TRIPLES)
        taken, cut = cap(triples, limit) if limit is not None else (list(triples), truncated)
        reply = Statements([(t.subject, t.predicate, t.object) for t in taken], cut)
    elif isinstance(results := parse_query_results(body, QueryResultsFormat.JSON), QueryBoolean):
        reply = Boolean(bool(results))
    else:
        rows, cut = cap(results, limit) if limit is not None else (list(results), truncated)
        reply = Solutions(tuple(v.value for v in results.variables), [tuple(r) for r in rows],
                          cut)
    return typed(reply, lane, to_rdflib)
