"""One table of formats drives negotiation, file suffixes, dumps and serialization.

Modelled on pyoxigraph's ``RdfFormat``: a format knows its media type and suffix and can be looked
up either way (``web.http`` negotiates over it). ``RESULT_FORMATS`` serve SELECT/ASK answers,
``GRAPH_FORMATS`` serve CONSTRUCT/DESCRIBE answers, dumps and resource descriptions. In each tuple
the first entry is what a client sending only ``*/*`` gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)  # one object per format: compared and hashed by identity, which
class Format:                       # memoised negotiation does per request (a field hash costs µs)
    name: str
    media_type: str
    extension: str
    #: other media types clients send for the same format
    aliases: tuple[str, ...] = field(default=())
    #: rdflib's serializer/parser name, or None where only pyoxigraph writes it
    rdflib: str | None = None
    dataset: bool = False
    text: bool = True
    #: other short names a ``format=`` parameter may use (SPARQLWrapper sends rdflib-style names)
    keys: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", ("application/json",), "json"),
    Format("xml", "application/sparql-results+xml", "srx", ("application/xml", "text/xml"), "xml"),
    Format("csv", "text/csv", "csv", (), "csv"),
    Format("tsv", "text/tab-separated-values", "tsv", (), "tsv"),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    # Turtle is N3's subset for RDF: N3 clients (SPARQLWrapper's N3) get Turtle
    Format("turtle", "text/turtle", "ttl",
           ("application/x-turtle", "text/n3", "text/rdf+n3", "application/rdf+n3"), "turtle",
           keys=("n3",)),
    Format("ntriples", "application/n-triples", "nt", ("text/plain",), "nt"),
    # a `format=json` (SPARQLWrapper, Fuseki) on a CONSTRUCT or DESCRIBE means JSON-LD
    Format("jsonld", "application/ld+json", "jsonld",
           ("application/json", "application/sparql-results+json"), "json-ld",
           keys=("json",)),
    Format("rdfxml", "application/rdf+xml", "rdf", ("application/xml", "text/xml"), "xml"),
    Format("trig", "application/trig", "trig", (), "trig", dataset=True),
    Format("nquads", "application/n-quads", "nq", (), "nquads", dataset=True),
)

HTML = Format("html", "text/html", "html", ("application/xhtml+xml",))

#: what a resource document (``/doc/…``, ``/graph/…``) is offered in: the graph formats first, so a
#: bare ``*/*`` gets Turtle, while browsers, which rank ``text/html`` above ``*/*``, get the page
DOCUMENT_FORMATS: tuple[Format, ...] = (*GRAPH_FORMATS, HTML)

_BY_NAME = {f.name: f for f in (*RESULT_FORMATS, *GRAPH_FORMATS, HTML)}


def by_name(name: str) -> Format:
    return _BY_NAME[name]


def by_extension(extension: str, formats: tuple[Format, ...]) -> Format | None:
    return next((f for f in formats if f.extension == extension), None)


def lookup(token: str, formats: tuple[Format, ...]) -> Format | None:
    """A ``format=`` parameter: a short name, a suffix or a media type."""
    token = token.strip().lower()
    for f in formats:
        if token in (f.name, f.extension, f.rdflib, *f.keys, *f.media_types):
            return f
    return None
