"""JSON-LD: the search-engine form embedded in pages, and the linked-data form at ``/doc/….jsonld``.

Nothing here fetches a context. The embedded JSON-LD says ``"@context": "https://schema.org"``;
to expand it offline, the tests replace that string with a local context before handing the JSON
to rdflib's JSON-LD parser, which then has nothing to download:

* always with ``{"@vocab": "https://schema.org/"}``: terms expand to the https IRIs that the
  project's schema.org term table (``cisem_graph.schemaorg``) uses;
* and, when the official context is at ``../shared/vocab/schemaorgcontext.jsonld`` (not in a fresh
  clone), with that context too; its ``@vocab`` is ``http://schema.org/``, so the expanded IRIs
  are mapped from http to https before they are checked.

Expected values of the webinar come from the source text
(``sources/press-release-2021-06-cisem-webinar.it.txt``), never from the program's output.
"""

from __future__ import annotations

import json
import re

import pytest
from needs import missing
from prefixes import CONTEXT  # tests/web is on sys.path
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from test_resources import BASE, BROWSER, DOC, THINGS, parse_page

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.schemaorg import SchemaOrg
from cisem_graph.web.jsonld import script_json

SCHEMA = "https://schema.org/"
LOCAL_CONTEXT = {"@vocab": SCHEMA}
OFFICIAL_CONTEXT = PROJECT_ROOT.parent / "shared" / "vocab" / "schemaorgcontext.jsonld"

# From the source text: "Lunedì 14 giugno, dalle 18 alle 20 si svolgerà il primo incontro dedicato
# al tema “L’ impresa sociale di inserimento lavorativo: Opportunità da valorizzare”" (the
# typographic space after the apostrophe dropped); "organizzato dal CISeM (Comitato
# Imprenditorialità Sociale E Microcredito)"; "Oltre al Presidente Alessandro Durando interverranno
# il prof. Carlo Borzaga ... e i rappresentanti della Cooperativa ... “Il Laboratorio” ... e della
# Società Cooperativa Agricola Sociale “Cascina Pensolato”"; an online meeting ("incontro online").
WEBINAR_NAME = "L’impresa sociale di inserimento lavorativo: Opportunità da valorizzare"
WEBINAR_START = "2021-06-14T18:00:00+02:00"  # Monday 14 June 2021, 18:00 in Italy (CEST, +02:00)
ORGANIZER = "Comitato Imprenditorialità Sociale E Microcredito"
PERFORMERS = {"Alessandro Durando", "Carlo Borzaga", "Il Laboratorio", "Cascina Pensolato"}


@pytest.fixture(scope="module")
def schema() -> SchemaOrg:
    return SchemaOrg.load()


def embedded(client, path: str) -> dict:
    """The one ld+json script of a page, parsed."""
    [script] = parse_page(client.get(path, headers={"Accept": BROWSER}).data).scripts
    return json.loads(script)


def expand(data: dict, context: dict) -> Graph:
    """Expand offline: the page's context string replaced by a local context object."""
    assert data["@context"] == "https://schema.org"
    assert "@context" not in json.dumps({k: v for k, v in data.items() if k != "@context"})
    return Graph().parse(data=json.dumps({**data, "@context": context}), format="json-ld")


def https(graph: Graph) -> Graph:
    """Map ``http://schema.org/`` IRIs (the official context's @vocab) to ``https://``."""
    def fix(term):
        if isinstance(term, URIRef) and str(term).startswith("http://schema.org/"):
            return URIRef(SCHEMA + str(term)[len("http://schema.org/"):])
        if isinstance(term, Literal) and term.datatype and str(term.datatype).startswith(
                "http://schema.org/"):
            return Literal(str(term), datatype=fix(term.datatype))
        return term

    fixed = Graph()
    for triple in graph:
        fixed.add(tuple(fix(t) for t in triple))
    return fixed


def assert_only_schema_terms(graph: Graph, schema: SchemaOrg) -> None:
    assert len(graph) > 0
    for _, p, o in graph:
        if p == RDF.type:  # "@type"
            assert str(o).startswith(SCHEMA) and schema.is_class(o), o
        else:
            assert str(p).startswith(SCHEMA) and schema.is_property(p), p


def value(graph: Graph, node, prop: str):
    [found] = list(graph.objects(node, URIRef(SCHEMA + prop)))
    return found


def names(graph: Graph, nodes) -> set[str]:
    return {str(value(graph, n, "name")) for n in nodes}


@pytest.fixture(params=["local-vocab", "official-context"])
def context(request) -> dict:
    """The context a search engine expands the page's JSON-LD with: ``@vocab`` alone, or the
    official schema.org context from ``../shared/vocab`` (absent from a fresh clone)."""
    if request.param == "local-vocab":
        return LOCAL_CONTEXT
    if not OFFICIAL_CONTEXT.is_file():
        missing(f"no official schema.org context at {OFFICIAL_CONTEXT} (a fresh clone)")
    return json.loads(OFFICIAL_CONTEXT.read_text(encoding="utf-8"))["@context"]


# -- the webinar, as a search engine reads it --------------------------------------------------------

def test_the_webinar_meets_the_event_essentials(client, schema, context):
    graph = https(expand(embedded(client, DOC + "?lang=it"), context))
    assert_only_schema_terms(graph, schema)
    event = URIRef(f"{BASE}id/event/impresa-sociale-di-inserimento-lavorativo")
    assert (event, RDF.type, URIRef(SCHEMA + "Event")) in graph
    assert str(value(graph, event, "name")) == WEBINAR_NAME
    assert str(value(graph, event, "startDate")) == WEBINAR_START
    location = value(graph, event, "location")
    assert (location, RDF.type, URIRef(SCHEMA + "VirtualLocation")) in graph
    for prop, member in (("eventAttendanceMode", "OnlineEventAttendanceMode"),
                         ("eventStatus", "EventScheduled")):
        assert str(value(graph, event, prop)) == SCHEMA + member
    organizer = value(graph, event, "organizer")
    assert str(value(graph, organizer, "name")) == ORGANIZER
    assert (organizer, RDF.type, URIRef(SCHEMA + "Organization")) in graph
    performers = set(graph.objects(event, URIRef(SCHEMA + "performer")))
    assert names(graph, performers) == PERFORMERS
    for performer in performers:
        assert {str(t)[len(SCHEMA):] for t in graph.objects(performer, RDF.type)} & {
            "Person", "Organization", "Cooperative"}
    # no URL is known for the webinar: none is given, on the event or on its location
    for node in (event, location):
        assert not list(graph.objects(node, URIRef(SCHEMA + "url")))


def test_the_webinar_in_english_names_it_in_english(client):
    data = embedded(client, DOC + "?lang=en")
    assert data["name"] == "The work-integration social enterprise: opportunities worth developing"
    assert data["organizer"]["name"] == "Social Entrepreneurship and Microcredit Committee"
    assert "url" not in data and "url" not in data["location"]


def test_the_embedded_form_is_compact_and_nested(client):
    data = embedded(client, DOC)
    assert data["@type"] == "Event" and "@graph" not in data
    assert isinstance(data["organizer"], dict) and isinstance(data["location"], dict)
    assert all(":" not in key for key in data if not key.startswith("@"))  # bare schema.org terms


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("path", THINGS)
def test_every_page_embeds_only_schema_org_terms(client, schema, path, lang):
    data = embedded(client, f"/doc/{path}?lang={lang}")
    graph = expand(data, LOCAL_CONTEXT)
    assert_only_schema_terms(graph, schema)
    subject = URIRef(f"{BASE}id/{path}")
    for literal in graph.objects(None, None):
        assert not isinstance(literal, Literal) or literal.language is None  # plain, one language
    own = Graph().parse(data=client.get(f"/doc/{path}.ttl").data, format="turtle")
    named = {o.language: str(o) for o in own.objects(subject, URIRef(SCHEMA + "name"))}
    if named:
        expected = named.get(lang) or named.get("it" if lang == "en" else "en") or named[None]
        assert data["name"] == expected


@pytest.mark.parametrize("path", ["/doc/organization/?lang=en", "/doc/?lang=it", "/search?q=coop"])
def test_lists_embed_an_item_list(client, schema, path):
    data = embedded(client, path)
    assert data["@type"] == "ItemList"
    assert_only_schema_terms(expand(data, LOCAL_CONTEXT), schema)
    assert data["numberOfItems"] == len(data["itemListElement"]) > 0


# -- escaping ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "</script><script>alert(1)</script>", "<!-- comment", "a & b", "]]>", "\u2028\u2029",
    "</SCRIPT >", '"quoted" \\ back',
])
def test_script_json_cannot_break_out_and_round_trips(text):
    out = str(script_json({"name": text}))
    assert not re.search(r"[<>&\u2028\u2029]", out)
    assert json.loads(out) == {"name": text}


# -- the linked-data JSON-LD -----------------------------------------------------------------------

def test_the_project_context_maps_schema_to_https_without_vocab(client):
    served = client.get("/context.jsonld").get_json()["@context"]
    assert served == CONTEXT
    assert served["schema"] == SCHEMA and "@vocab" not in served
    assert served["organization"] == f"{BASE}id/organization/"


@pytest.mark.parametrize("path", ["event/impresa-sociale-di-inserimento-lavorativo",
                                  "organization/il-laboratorio", "person/carlo-borzaga"])
def test_doc_jsonld_round_trips_with_the_context_given_as_a_dict(client, path):
    body = client.get(f"/doc/{path}.jsonld").get_json()
    assert body["@context"] == CONTEXT  # embedded by value, never by URL
    without = {k: v for k, v in body.items() if k != "@context"}
    parsed = Graph().parse(data=json.dumps(without), format="json-ld", context=CONTEXT)
    turtle = Graph().parse(data=client.get(f"/doc/{path}.ttl").data, format="turtle")
    assert isomorphic(parsed, turtle)
    assert any(str(p).startswith(SCHEMA) for p in parsed.predicates())
