"""schema.org: the committed term table, the usage checker, and the shipped graph checked with it.

Expected offences below are read off the schema.org 30.0 vocabulary (domainIncludes/rangeIncludes),
not off the checker's output.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from needs import missing
from rdflib import Dataset, Graph, URIRef

from cisem_graph.schemaorg import (
    DOMAIN,
    RANGE,
    UNKNOWN_CLASS,
    UNKNOWN_PROPERTY,
    UNKNOWN_TERM,
    SchemaOrg,
    check_usage,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLE = REPO_ROOT / "cisem_graph" / "vocab" / "schemaorg-terms.json"
SCRIPT = REPO_ROOT / "scripts" / "derive_schemaorg_table.py"
OFFICIAL_VOCAB = REPO_ROOT.parent / "shared" / "vocab" / "schemaorg-current-https.ttl"
OFFICIAL_SHA256 = "320938f0945d717fc317f822c707f10944e7a7a0097018665a3b95dcf475b39d"
SCHEMA = "https://schema.org/"

PREFIXES = """\
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ex: <urn:ex:> .
"""


def parse(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def load_script():
    spec = importlib.util.spec_from_file_location("derive_schemaorg_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def schema() -> SchemaOrg:
    return SchemaOrg.load()


# -- the shipped graph ---------------------------------------------------------------------------


def test_shipped_graph_uses_schemaorg_as_the_vocabulary_defines_it(sources):
    dataset = sources.rdflib_dataset
    used = {p for p in dataset.predicates() if str(p).startswith(SCHEMA)}
    assert used, "the shipped graph uses no schema.org property at all"
    offences = check_usage(dataset)
    assert not offences, f"{len(offences)} misuse(s) of schema.org:\n" + "\n".join(
        str(offence) for offence in offences
    )


# -- the checker catches offences ----------------------------------------------------------------

OFFENCES = {
    "unknown class": (
        "ex:coop a schema:Cooperativ .",
        [("<urn:ex:coop>", "Cooperativ", UNKNOWN_CLASS, None)],
    ),
    "property used as a class": (
        "ex:coop a schema:member .",
        [("<urn:ex:coop>", "member", UNKNOWN_CLASS, None)],
    ),
    "unknown property": (
        'ex:coop a schema:Cooperative ; schema:foundingYear "1996" .',
        [("<urn:ex:coop>", "foundingYear", UNKNOWN_PROPERTY, None)],
    ),
    "http form of a property is not a property of ours, but a typo in https is": (
        'ex:coop a schema:Organization ; <http://schema.org/nam> "x" ; schema:nam "x" .',
        [("<urn:ex:coop>", "nam", UNKNOWN_PROPERTY, None)],
    ),
    "Person as the subject of issn": (
        'ex:p a schema:Person ; schema:issn "1234-5678" .',
        [("<urn:ex:p>", "issn", DOMAIN, None)],
    ),
    "Place as a performer": (
        "ex:e a schema:Event ; schema:performer ex:cuneo . ex:cuneo a schema:Place .",
        [("<urn:ex:e>", "performer", RANGE, "<urn:ex:cuneo>")],
    ),
    "string literal as organizer": (
        'ex:e a schema:Event ; schema:organizer "Camera di Commercio di Cuneo" .',
        [("<urn:ex:e>", "organizer", RANGE, '"Camera di Commercio di Cuneo"')],
    ),
    "dateTime as a name (Text only)": (
        'ex:e a schema:Event ; schema:name "2021-06-14T18:00:00+02:00"^^xsd:dateTime .',
        [("<urn:ex:e>", "name", RANGE,
          '"2021-06-14T18:00:00+02:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>')],
    ),
    "string as a startDate": (
        'ex:e a schema:Event ; schema:startDate "14 giugno 2021" .',
        [("<urn:ex:e>", "startDate", RANGE, '"14 giugno 2021"')],
    ),
    "date where only DateTime is allowed (Date is no DateTime)": (
        'ex:x a schema:Action ; schema:startTime "2021-06-14"^^xsd:date .',
        [("<urn:ex:x>", "startTime", RANGE,
          '"2021-06-14"^^<http://www.w3.org/2001/XMLSchema#date>')],
    ),
    "mistyped enumeration member": (
        "ex:e a schema:Event ; schema:eventAttendanceMode schema:OnlineAttendance .",
        [("<urn:ex:e>", "eventAttendanceMode", UNKNOWN_TERM,
          "<https://schema.org/OnlineAttendance>")],
    ),
    "enumeration member of the wrong enumeration": (
        "ex:e a schema:Event ; schema:eventStatus schema:OnlineEventAttendanceMode .",
        [("<urn:ex:e>", "eventStatus", RANGE, "<https://schema.org/OnlineEventAttendanceMode>")],
    ),
    "untyped IRI where neither URL nor Text is allowed": (
        "ex:e a schema:Event ; schema:organizer ex:chamber .",
        [("<urn:ex:e>", "organizer", RANGE, "<urn:ex:chamber>")],
    ),
    "Role object that wraps nothing": (
        "ex:cisem a schema:Organization ; schema:member ex:role . "
        'ex:role a schema:OrganizationRole ; schema:roleName "presidente" .',
        [("<urn:ex:cisem>", "member", RANGE, "<urn:ex:role>")],
    ),
    "Role carrying a property that nothing points to it with": (
        "ex:role a schema:OrganizationRole ; schema:member ex:p . ex:p a schema:Person .",
        [("<urn:ex:role>", "member", DOMAIN, None)],
    ),
    "Role wrapped by a node that does not fit the domain": (
        "ex:e a schema:Event ; schema:member ex:role . "
        "ex:role a schema:OrganizationRole ; schema:member ex:p . ex:p a schema:Person .",
        [("<urn:ex:e>", "member", DOMAIN, None), ("<urn:ex:role>", "member", DOMAIN, None)],
    ),
    "Role's wrapped value is checked on the role's own triple": (
        "ex:cisem a schema:Organization ; schema:member ex:role . "
        "ex:role a schema:OrganizationRole ; schema:member ex:cuneo . ex:cuneo a schema:Place .",
        [("<urn:ex:role>", "member", RANGE, "<urn:ex:cuneo>")],
    ),
    "several offences on one node, sorted": (
        'ex:p a schema:Person, schema:Cooperativ ; schema:issn "x" ; schema:memberOf "CISeM" .',
        [("<urn:ex:p>", "Cooperativ", UNKNOWN_CLASS, None),
         ("<urn:ex:p>", "issn", DOMAIN, None),
         ("<urn:ex:p>", "memberOf", RANGE, '"CISeM"')],
    ),
}


@pytest.mark.parametrize(("turtle", "expected"), OFFENCES.values(), ids=OFFENCES.keys())
def test_checker_names_the_offender(schema, turtle, expected):
    offences = schema.check_usage(parse(turtle))
    found = [(o.subject, o.term, o.kind, o.value) for o in offences]
    assert found == expected, "\n".join(map(str, offences))
    assert all(o.reason for o in offences)


def test_untyped_blank_node_value_is_an_offence(schema):
    graph = parse('ex:e a schema:Event ; schema:location [ schema:name "Cuneo" ] .')
    [offence] = schema.check_usage(graph)
    assert (offence.subject, offence.term, offence.kind) == ("<urn:ex:e>", "location", RANGE)
    assert offence.value.startswith("_:")
    assert "no schema.org type" in offence.reason


def test_offence_reason_names_the_expected_classes(schema):
    [offence] = schema.check_usage(parse(
        "ex:e a schema:Event ; schema:performer ex:cuneo . ex:cuneo a schema:Place ."))
    assert "Place" in offence.reason and "Organization" in offence.reason
    assert "Person" in offence.reason
    assert str(offence).startswith("<urn:ex:e> schema:performer -> <urn:ex:cuneo>")


PASSING = {
    "Role pattern, member (both sides)": """
        ex:cisem a schema:Organization ; schema:member ex:role .
        ex:role a schema:OrganizationRole ; schema:member ex:p ;
            schema:roleName "presidente"@it ; schema:namedPosition "Presidente"@it ;
            schema:startDate "2019-01-01"^^xsd:date .
        ex:p a schema:Person ; schema:name "Mario Rossi" .
    """,
    "OrganizationRole wrapping memberOf": """
        ex:p a schema:Person ; schema:memberOf ex:role .
        ex:role a schema:OrganizationRole ; schema:memberOf ex:cisem ; schema:roleName "membro" .
        ex:cisem a schema:Organization .
    """,
    "Role pointed to by a node with no schema.org type": """
        ex:p a foaf:Person ; schema:memberOf ex:role .
        ex:role a schema:OrganizationRole ; schema:memberOf ex:cisem .
        ex:cisem a schema:Organization .
    """,
    "subclasses fit (Cooperative, EventSeries, GovernmentOrganization)": """
        ex:coop a schema:Cooperative ; schema:member ex:p ; schema:memberOf ex:chamber .
        ex:chamber a schema:GovernmentOrganization .
        ex:p a schema:Person .
        ex:series a schema:EventSeries ; schema:subEvent ex:e ; schema:organizer ex:coop .
        ex:e a schema:Event ; schema:superEvent ex:series .
    """,
    "online event: enumeration members, status, VirtualLocation": """
        ex:e a schema:Event ; schema:name "Webinar"@it, "Webinar"@en ;
            schema:startDate "2021-06-14T18:00:00+02:00"^^xsd:dateTime ;
            schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
            schema:eventStatus schema:EventScheduled ;
            schema:isAccessibleForFree true ;
            schema:location [ a schema:VirtualLocation ; schema:name "online" ] .
    """,
    "external URLs for url and sameAs": """
        ex:chamber a schema:Organization ;
            schema:url <https://www.cn.camcom.it/> ;
            schema:sameAs <http://www.wikidata.org/entity/Q1> .
    """,
    "URL as a string or xsd:anyURI (Text subclasses accept strings)": """
        ex:chamber a schema:Organization ; schema:url "https://www.cn.camcom.it/" ;
            schema:logo "https://www.cn.camcom.it/logo.png"^^xsd:anyURI .
    """,
    "dates: gYear and date count as Date, integers as Number": """
        ex:coop a schema:Cooperative ; schema:foundingDate "1996"^^xsd:gYear ;
            schema:dissolutionDate "2020-12"^^xsd:gYearMonth .
        ex:e a schema:Event ; schema:endDate "2021-06-14"^^xsd:date ; schema:maximumAttendeeCapacity 100 .
        ex:v a schema:QuantitativeValue ; schema:value 12.5 .
    """,
    "identifier and issn as text, SKOS theme as DefinedTerm": """
        ex:cuneo a schema:AdministrativeArea ; schema:identifier "004078" .
        ex:mag a schema:Periodical ; schema:issn "1234-5678" ; schema:about ex:theme .
        ex:theme a skos:Concept, schema:DefinedTerm ; schema:name "microcredito"@it .
    """,
    "other vocabularies and http://schema.org are not checked": """
        ex:x a org:Organization, <http://schema.org/Cooperativ> ; org:memberOf ex:y ;
            <http://schema.org/issn> 5 .
        ex:p a foaf:Person ; schema:issn "not domain-checked: no schema.org type" .
    """,
}


@pytest.mark.parametrize("turtle", PASSING.values(), ids=PASSING.keys())
def test_checker_passes_good_usage(schema, turtle):
    offences = schema.check_usage(parse(turtle))
    assert offences == [], "\n".join(map(str, offences))


def test_union_of_named_graphs_is_checked_and_reported_once():
    dataset = Dataset(default_union=True)
    dataset.graph(URIRef("urn:graph:a")).parse(
        data=PREFIXES + "ex:e a schema:Event ; schema:performer ex:cuneo .", format="turtle")
    dataset.graph(URIRef("urn:graph:b")).parse(
        data=PREFIXES + "ex:cuneo a schema:Place . ex:e schema:performer ex:cuneo .",
        format="turtle")
    offences = check_usage(dataset)
    assert [(o.subject, o.term, o.kind) for o in offences] == [("<urn:ex:e>", "performer", RANGE)]


# -- the table -----------------------------------------------------------------------------------


def test_table_has_the_schemaorg_30_terms(schema):
    assert schema.release == "30.0"
    assert schema.about["sha256"] == OFFICIAL_SHA256
    assert "CC BY-SA 3.0" in schema.about["attribution"]
    assert len(schema.classes) >= 900
    assert len(schema.properties) >= 1500
    for cls in ("Cooperative", "OrganizationRole", "EventSeries", "VirtualLocation"):
        assert schema.is_class(cls), cls
        assert schema.is_class(SCHEMA + cls), cls
    assert schema.superclasses_closure("OrganizationRole") == {
        "OrganizationRole", "Role", "Intangible", "Thing"}
    assert schema.superclasses_closure("EventSeries") >= {"Event", "Series", "Thing"}
    assert schema.superclasses_closure("Cooperativ") == frozenset()
    assert schema.is_property("memberOf") and not schema.is_class("memberOf")
    assert schema.inverse("memberOf") == ("member",)
    assert schema.superproperties("issn") == ("identifier",)
    assert schema.is_enumeration_member("OnlineEventAttendanceMode")
    assert schema.is_enumeration_member(URIRef(SCHEMA + "EventScheduled"))
    assert not schema.is_enumeration_member("Event")
    assert {"Text", "URL", "Date", "DateTime", "Number", "Integer", "Boolean", "Time"} <= (
        schema.datatypes)


def test_table_copies_no_descriptions():
    text = TABLE.read_text(encoding="utf-8")
    table = json.loads(text)
    assert set(table) == {"about", "classes", "datatypes", "members", "properties"}
    assert "rdfs:comment" not in text and "A person (alive, dead" not in text
    assert len(text.encode()) < 250_000


@pytest.fixture(scope="module")
def official_vocab() -> Path:
    if not OFFICIAL_VOCAB.is_file():
        missing(f"no official schema.org vocabulary at {OFFICIAL_VOCAB} (a fresh clone "
                "without ../shared/vocab); the committed table is used as is")
    return OFFICIAL_VOCAB


def test_committed_table_is_what_the_script_derives(official_vocab):
    script = load_script()
    derived = script.render(script.derive(official_vocab))
    committed = TABLE.read_text(encoding="utf-8")
    assert derived == committed, (
        "cisem_graph/vocab/schemaorg-terms.json is stale: run scripts/derive_schemaorg_table.py")


def test_script_writes_the_table(official_vocab, tmp_path):
    out = tmp_path / "terms.json"
    assert load_script().main(["--vocab", str(official_vocab), "--out", str(out)]) == 0
    assert out.read_bytes() == TABLE.read_bytes()


TINY_VOCAB = PREFIXES + """\
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
schema:Thing a rdfs:Class ; rdfs:comment "A thing." .
schema:Text a rdfs:Class, schema:DataType .
schema:URL a rdfs:Class ; rdfs:subClassOf schema:Text .
schema:Organization a rdfs:Class ; rdfs:subClassOf schema:Thing, foaf:Agent .
schema:Enumeration a rdfs:Class ; rdfs:subClassOf schema:Thing .
schema:Colour a rdfs:Class ; rdfs:subClassOf schema:Enumeration .
schema:Red a schema:Colour ; rdfs:label "Red" .
schema:url a rdf:Property ; schema:domainIncludes schema:Thing ; schema:rangeIncludes schema:URL .
schema:name a rdf:Property ; schema:domainIncludes schema:Thing ; schema:rangeIncludes schema:Text .
schema:legalName a rdf:Property ; rdfs:subPropertyOf schema:name ;
    schema:domainIncludes schema:Organization ; schema:rangeIncludes schema:Text .
schema:hasPart a rdf:Property ; schema:inverseOf schema:isPartOf .
foaf:Agent a rdfs:Class .
"""


def test_script_derives_a_tiny_vocabulary(tmp_path):
    """Runs without ../shared: the derivation on a hand-written vocabulary."""
    vocab = tmp_path / "tiny.ttl"
    vocab.write_text(TINY_VOCAB, encoding="utf-8")
    script = load_script()
    with pytest.raises(ValueError, match="--release"):
        script.derive(vocab)
    table = script.derive(vocab, release="0.1")
    assert table["classes"] == {
        "Thing": [], "Text": [], "URL": ["Text"], "Organization": ["Thing"],
        "Enumeration": ["Thing"], "Colour": ["Enumeration"]}
    assert table["datatypes"] == ["Text", "URL"]
    assert table["members"] == {"Red": ["Colour"]}
    assert table["properties"] == {
        "url": {"domain": ["Thing"], "range": ["URL"]},
        "name": {"domain": ["Thing"], "range": ["Text"]},
        "legalName": {"domain": ["Organization"], "range": ["Text"], "super": ["name"]},
        "hasPart": {"inverse": ["isPartOf"]},
    }
    assert table["about"]["release"] == "0.1"
    text = script.render(table)
    assert "A thing." not in text and "Red" in text
    assert script.render(json.loads(text)) == text  # stable
    assert SchemaOrg(json.loads(text)).superclasses_closure("URL") == {"URL", "Text"}
