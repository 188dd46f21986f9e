"""What the publisher says about one thing, asked of the store through its one interface.

Every function here sends SPARQL through ``Store.prepare``/``Store.execute``, so it works on any
store kind (embedded or remote) and passes the same guards as a public query.

The **description** of a thing ``T`` (``describe``) is one SELECT of quads, so it keeps the named
graph (the source) of every statement:

1. every statement whose subject is ``T``, in every graph;
2. the statements of the blank nodes ``T`` points to (its structured values: an address, a virtual
   location), one level down, from the graph that links them;
3. the labels (``schema:name``, ``rdfs:label``, ``skos:prefLabel``) and ``rdf:type`` of every other
   IRI ``T`` points to, from whichever graph gives them: what a page or a search engine needs to
   show and type a link (an Event's organizer is an Organization named CISeM).

A named graph ``G`` (``describe_graph``) is described by 1–3 for ``G`` plus its contents.

Text never reaches a query unescaped: IRIs are checked (``_check_iri``) and strings are written as
SPARQL literals by ``sparql_string``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .canonical import canonical_dataset
from .errors import DescriptionTooLarge
from .namespaces import DCTERMS, KINDS, RDF, RDFS, SDO, SKOS
from .store.base import Rows, Store

LABELS = (SDO.name, RDFS.label, SKOS.prefLabel)
#: what is said of linked things: their labels and their types
LINK_FACTS = (*LABELS, RDF.type)
#: what a page shows of the graphs, predicates and types it mentions
ANNOTATIONS = (*LABELS, DCTERMS.title, DCTERMS.source)
#: what says what a thing is, in a sentence
DESCRIPTIONS = (SDO.description, DCTERMS.description, SKOS.definition)
#: labels the search matches (both languages)
SEARCHED = (*LABELS, SDO.alternateName)


def _listed(iris) -> str:
    """IRIs for ``FILTER(?p IN (…))``: pyoxigraph joins a ``VALUES`` of predicates inside a graph
    pattern with every triple of it (68 ms at 100k triples), but tests a filter on the few a bound
    subject has (1.5 ms)."""
    return ", ".join(f"<{iri}>" for iri in iris)


def _values(iris) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


_DESCRIPTION = """{{ GRAPH ?g {{ <{iri}> ?p ?o }} BIND(<{iri}> AS ?s) }}
  UNION {{ GRAPH ?g {{ <{iri}> ?link ?s . ?s ?p ?o FILTER(isBlank(?s)) }} }}
  UNION {{ {{ SELECT DISTINCT ?s WHERE {{ <{iri}> ?link ?s FILTER(isIRI(?s) && ?s != <{iri}>) }} }}
          GRAPH ?g {{ ?s ?p ?o FILTER(?p IN ({facts})) }} }}"""
#: a named graph's description adds what the graph holds
_CONTENTS = """
  UNION {{ GRAPH <{iri}> {{ ?s ?p ?o }} BIND(<{iri}> AS ?g) }}"""

EXISTS = "ASK {{ <{iri}> ?p ?o }}"

INCOMING = """SELECT ?s ?p ?label WHERE {{
  {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(isIRI(?s)) }}
    ORDER BY ?s ?p LIMIT {limit} OFFSET {offset} }}
  OPTIONAL {{ ?s ?lp ?label FILTER(?lp IN ({labels})) }}
}}"""

ANNOTATE = """SELECT ?s ?p ?o WHERE {{
  VALUES ?s {{ {iris} }} ?s ?p ?o FILTER(?p IN ({predicates}))
}}"""

KIND_COUNTS = """SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  ?s a ?type FILTER(STRSTARTS(STR(?s), {prefix}))
  BIND(STRBEFORE(STRAFTER(STR(?s), {prefix}), "/") AS ?kind)
}} GROUP BY ?kind ORDER BY ?kind"""

#: the needle is bound by VALUES from an escaped literal, never spliced into the pattern
SEARCH = """SELECT ?s ?label WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{
      VALUES ?needle {{ {needle} }}
      ?s ?lp ?text FILTER(?lp IN ({searched}))
      FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}) && CONTAINS(LCASE(STR(?text)), LCASE(?needle)))
    }} ORDER BY ?s LIMIT {limit} }}
  OPTIONAL {{ ?s ?lp ?label FILTER(?lp IN ({labels})) }}
}}"""

EVENTS = """PREFIX schema: <{sdo}>
SELECT ?e ?name ?start WHERE {{
  ?e a schema:Event FILTER(STRSTARTS(STR(?e), {prefix}))
  OPTIONAL {{ ?e schema:name ?name }}
  OPTIONAL {{ ?e schema:startDate ?start }}
}}"""

THINGS = """SELECT DISTINCT ?s WHERE {{
  ?s a ?type FILTER(STRSTARTS(STR(?s), {prefix}))
}} ORDER BY ?s LIMIT {limit} OFFSET {offset}"""

LISTING = """SELECT ?s ?label WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), {prefix})) }} }}
  OPTIONAL {{ ?s ?lp ?label FILTER(?lp IN ({labels})) }}
}} ORDER BY ?s ?label"""

VALUES_OF = """SELECT ?s ?o WHERE {{
  ?s <{predicate}> ?o FILTER(STRSTARTS(STR(?s), {prefix}))
}} ORDER BY ?s ?o"""

GRAPH = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"

GRAPH_SOURCES = """PREFIX dct: <{dct}>
SELECT ?g ?title ?source WHERE {{
  GRAPH ?g {{ ?g dct:title ?title OPTIONAL {{ ?g dct:source ?source }} }}
}}"""

#: a slug as the build writes it: lower-case ASCII words joined by hyphens
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Linked:
    """A thing found by a list, a search or a backward link, with its labels (all languages)."""

    iri: URIRef
    labels: tuple[Literal, ...]
    predicate: URIRef | None = None


def describe(store: Store, iri: str, base: str) -> Dataset:
    """The description of ``iri`` as a dataset whose named graphs are the sources of each fact."""
    return _quads(store, describe_query(iri), iri, base)


def describe_graph(store: Store, iri: str, base: str) -> Dataset:
    """A named graph's description (as ``describe``) together with everything it holds."""
    return _quads(store, describe_query(iri, graph=True), iri, base)


def describe_query(iri: str, *, graph: bool = False, construct: bool = False) -> str:
    """The query behind ``describe`` (or ``describe_graph``): a SELECT of quads, or the CONSTRUCT
    of the same triples without their graphs, for people to run themselves."""
    _check_iri(iri)
    pattern = (_DESCRIPTION + (_CONTENTS if graph else "")).format(iri=iri, facts=_listed(LINK_FACTS))
    head = "CONSTRUCT { ?s ?p ?o }" if construct else "SELECT ?g ?s ?p ?o"
    return f"{head} WHERE {{\n  {pattern}\n}}"


def exists(store: Store, iri: str) -> bool:
    """Whether some published statement has ``iri`` as its subject."""
    _check_iri(iri)
    return store.ask(EXISTS.format(iri=iri))


def flatten(dataset: Dataset) -> Graph:
    """The description's triples without their graphs (for formats that hold one graph)."""
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True)
    for g in dataset.graphs():
        graph += g
    return graph


#: IRIs one annotation query names (a query stays well under ``max_request_bytes``; a list's facet
#: values at a million triples are thousands of series or organizers)
ANNOTATE_BATCH = 250


def annotations(store: Store, iris) -> Graph:
    """Labels, titles and ``dct:source`` of the given IRIs (graphs, predicates, types): one query
    per ``ANNOTATE_BATCH`` of them."""
    iris = sorted({str(i) for i in iris if isinstance(i, URIRef)})
    graph = Graph()
    for iri in iris:
        _check_iri(iri)
    for start in range(0, len(iris), ANNOTATE_BATCH):
        batch = iris[start:start + ANNOTATE_BATCH]
        query = ANNOTATE.format(iris=_values(batch), predicates=_listed(ANNOTATIONS))
        for row in _select(store, query):
            graph.add((row["s"], row["p"], row["o"]))
    return graph


def incoming(store: Store, iri: str, *, limit: int, offset: int) -> list[Linked]:
    """Things that link to ``iri``, a page at a time (a place may be referenced by thousands).

    Asks for ``limit + 1`` links, so a caller sees whether another page follows.
    """
    _check_iri(iri)
    query = INCOMING.format(iri=iri, labels=_listed(LABELS), limit=int(limit) + 1,
                            offset=int(offset))
    return _grouped(_select(store, query), with_predicate=True)


def kind_counts(store: Store, base: str) -> dict[str, int]:
    """How many things of each kind (``{base}id/{kind}/…``) the dataset describes, in the order of
    ``KINDS``; kinds with none are left out."""
    query = KIND_COUNTS.format(prefix=sparql_string(f"{base}id/"))
    counts = {str(row["kind"]): int(row["n"]) for row in _select(store, query)
              if str(row.get("kind", ""))}
    return {kind: counts[kind] for kind in KINDS if counts.get(kind)}


@dataclass(frozen=True)
class Dated:
    """A thing with its names (by language) and its earliest start date, if any."""

    iri: str
    names: dict[str, str]
    start: str | None


def events(store: Store, base: str) -> list[Dated]:
    """Every event under ``{base}id/event/`` with its names and earliest start date."""
    query = EVENTS.format(sdo=SDO, prefix=sparql_string(f"{base}id/event/"))
    names: dict[str, dict[str, str]] = {}
    starts: dict[str, str] = {}
    for row in _select(store, query):
        iri = str(row["e"])
        found = names.setdefault(iri, {})
        if "name" in row:
            found.setdefault(_language(row["name"]), str(row["name"]))
        if "start" in row:
            starts[iri] = min(filter(None, (starts.get(iri), str(row["start"]))))
    return [Dated(iri, found, starts.get(iri)) for iri, found in names.items()]


def things(store: Store, base: str, page: int = 10_000) -> list[tuple[str, str]]:
    """(kind, slug) of every thing of the graph, paged past the store's result cap."""
    prefix = f"{base}id/"
    found: list[tuple[str, str]] = []
    offset = 0
    while True:
        rows = _select(store, THINGS.format(prefix=sparql_string(prefix), limit=page,
                                            offset=offset))
        for row in rows:
            kind, _, slug = str(row["s"])[len(prefix):].partition("/")
            if kind in KINDS and SLUG.fullmatch(slug):
                found.append((kind, slug))
        if len(rows) < page:
            return found
        offset += page


def listing(store: Store, prefix: str) -> dict[str, list[Literal]]:
    """Every typed thing whose IRI starts with ``prefix`` (one kind) and its labels: read once per
    version by the lists, in pages past the result cap. Only ``rdf:type`` triples are scanned."""
    found: dict[str, list[Literal]] = {}
    for row in _select_all(store, LISTING.format(prefix=sparql_string(prefix),
                                                 labels=_listed(LABELS))):
        labels = found.setdefault(str(row["s"]), [])
        if isinstance(row.get("label"), Literal):
            labels.append(row["label"])
    return found


def snippets(store: Store, iris) -> dict[str, list[Literal]]:
    """The descriptions of the given things (every language), for search results: one query."""
    iris = sorted({str(i) for i in iris})
    if not iris:
        return {}
    for iri in iris:
        _check_iri(iri)
    found: dict[str, list[Literal]] = {}
    query = ANNOTATE.format(iris=_values(iris), predicates=_listed(DESCRIPTIONS))
    for row in _select(store, query):
        found.setdefault(str(row["s"]), []).append(row["o"])
    return found


def values_of(store: Store, prefix: str, predicate: str) -> list[tuple[str, Node]]:
    """(subject, value) of ``predicate`` for the subjects under ``prefix``: a facet's values,
    scanning that predicate's triples only."""
    _check_iri(predicate)
    query = VALUES_OF.format(prefix=sparql_string(prefix), predicate=predicate)
    return [(str(row["s"]), row["o"]) for row in _select_all(store, query)]


def _select_all(store: Store, query: str, page: int = 10_000) -> list[dict[str, Node]]:
    """Every row of ``query`` (ordered, so pages do not overlap), a page at a time: 10,000 rows,
    the most Virtuoso sorts for one page unless told otherwise (``MaxSortedTopRows``)."""
    page = min(page, store.settings.result_limit)
    rows: list[dict[str, Node]] = []
    offset = 0
    while True:
        found = _select(store, f"{query}\nLIMIT {page} OFFSET {offset}")
        rows += list(found)
        if len(found) < page:
            return rows
        offset += page


def named_graph(store: Store, iri: str) -> Graph:
    """The triples of one named graph, as an rdflib graph with that identifier."""
    _check_iri(iri)
    graph = Graph(identifier=URIRef(iri))
    for triple in store.construct(GRAPH.format(iri=iri)):
        graph.add(triple)
    return graph


def graph_sources(store: Store) -> dict[str, dict]:
    """Title (per language) and source URL of every named graph that describes itself."""
    found: dict[str, dict] = {}
    for row in _select(store, GRAPH_SOURCES.format(dct=DCTERMS)):
        entry = found.setdefault(str(row["g"]), {"titles": {}, "source": None})
        entry["titles"].setdefault(_language(row["title"]), str(row["title"]))
        if "source" in row:
            entry["source"] = str(row["source"])
    return found


def search(store: Store, text: str, base: str, *, limit: int) -> list[Linked]:
    """Things under ``{base}id/`` with a label containing ``text`` (any case, any language)."""
    query = SEARCH.format(needle=sparql_string(text), prefix=sparql_string(f"{base}id/"),
                          searched=_listed(SEARCHED), labels=_listed(LABELS), limit=int(limit) + 1)
    return _grouped(_select(store, query))


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_string(text: str) -> str:
    r"""``text`` as a SPARQL string literal, safe whether or not ``\u`` escapes are pre-processed.

    Quotes, backslashes and line breaks use the short escapes (which no pre-processing touches); a
    ``u``/``U`` right after an escaped backslash is itself escaped, so ``\\u0022`` cannot turn
    into a quote; other control characters become ``\u`` escapes.

    >>> print(sparql_string('say "hi" \\ ok'))
    "say \"hi\" \\ ok"
    >>> print(sparql_string('\\u0022'))
    "\\\u00750022"
    """
    out: list[str] = []
    for ch in text:
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ch in "uU" and out and out[-1] == "\\\\":
            out.append(f"\\u{ord(ch):04X}")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _quads(store: Store, query: str, iri: str, base: str) -> Dataset:
    """The quads of ``query`` as a dataset (prefixes are bound when it is written out: binding
    them costs more than a page's queries)."""
    dataset = Dataset()
    for row in _select(store, query, what=iri):
        graph = dataset.graph(row["g"])
        graph.add((row["s"], row["p"], row["o"]))
    return canonical_dataset(dataset)  # the same blank nodes whichever store answered


def _select(store: Store, query: str, what: str | None = None) -> Rows:
    rows = store.select(query)
    if rows.truncated:
        raise DescriptionTooLarge(
            f"The answer about {what or 'this request'} has more statements than the result_limit "
            "setting allows; download the dumps instead, or raise result_limit.")
    return rows


def _grouped(rows: Rows, with_predicate: bool = False) -> list[Linked]:
    grouped: dict[tuple, list[Literal]] = {}
    for row in rows:
        key = (URIRef(row["s"]), URIRef(row["p"]) if with_predicate else None)
        labels = grouped.setdefault(key, [])
        if isinstance(row.get("label"), Literal):
            labels.append(row["label"])
    items = [Linked(s, tuple(sorted(set(labels), key=lambda lit: (lit.language or "", str(lit)))), p)
             for (s, p), labels in grouped.items()]
    return sorted(items, key=lambda item: (str(item.iri), str(item.predicate or "")))


def _check_iri(iri: str) -> None:
    """IRIs are spliced into query text: refuse anything that could end the IRI early."""
    if not iri or any(c in iri for c in '<>"{}|^`\\ \n\r\t') or any(ord(c) < 0x20 for c in iri):
        raise ValueError(f"not an IRI that can be described: {iri!r}")


def _language(term) -> str:
    """A literal's language tag, '' for anything else (as SPARQL JSON's missing xml:lang)."""
    return getattr(term, "language", None) or ""
