"""SHACL shapes: the shipped graph conforms, and every rule catches the mistake it is written for.

Each broken example starts from a minimal valid node (the templates below, proven valid on their
own) and breaks one thing. It is validated with the real shapes and the real ontology, beside a
small valid neighbourhood (WORLD) the examples may point to. The expected message fragments are
written here from what each rule is for, in both languages, not copied from a validation run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.graph.sources import load_shapes, load_sources
from cisem_graph.graph.validate import Finding, validate

PREFIXES = """\
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix organization: <id/organization/> .
@prefix person: <id/person/> .
@prefix place: <id/place/> .
@prefix event: <id/event/> .
@prefix series: <id/series/> .
@prefix role: <id/role/> .
@prefix concept: <id/concept/> .
@prefix article: <id/article/> .
@prefix quotation: <id/quotation/> .
@prefix legislation: <id/legislation/> .
@prefix periodical: <id/periodical/> .
@prefix graph: <graph/> .
"""

#: valid neighbours the examples point to (concept:temi comes from the real ontology)
WORLD = """\
organization:o a schema:Organization ; schema:name "O"@it, "O"@en .
person:p a schema:Person ; schema:name "P"@it, "P"@en .
place:area a schema:AdministrativeArea, schema:Place ; schema:name "Area"@it, "Area"@en .
place:pl a schema:City, schema:Place ; schema:name "Pl"@it, "Pl"@en ;
    schema:containedInPlace place:area .
series:s a schema:EventSeries ; schema:name "S"@it, "S"@en ; schema:organizer organization:o ;
    schema:subEvent event:e .
event:e a schema:Event ; schema:name "E"@it, "E"@en ;
    schema:startDate "2021-06-14T18:00:00+02:00"^^xsd:dateTime ;
    schema:endDate "2021-06-14T20:00:00+02:00"^^xsd:dateTime ;
    schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
    schema:eventStatus schema:EventScheduled ;
    schema:location [ a schema:VirtualLocation ; schema:name "Zoom" ] ;
    schema:superEvent series:s .
article:a a schema:NewsArticle ; schema:name "A"@it, "A"@en ; schema:genre "comunicato stampa"@it ;
    schema:inLanguage "it" ; schema:about event:e .
"""

NAMES = '"X"@it, "X"@en'
Template = tuple[str, dict[str, str]]

ORG: Template = ("organization:x", {"a": "schema:Organization", "schema:name": NAMES})
PERSON: Template = ("person:x", {"a": "schema:Person", "schema:name": NAMES})
ROLE: Template = ("role:x", {
    "a": "schema:Role", "schema:name": NAMES,
    "schema:roleName": '"Direttore scientifico"@it, "Scientific director"@en',
    "schema:editor": "person:p"})
ORG_ROLE: Template = ("role:x", {
    "a": "schema:OrganizationRole, schema:Role", "schema:name": NAMES,
    "schema:roleName": '"Presidente"@it, "President"@en',
    "schema:member": "person:p", "schema:memberOf": "organization:o"})
HOLDER = "organization:o schema:member role:x .\n"
MEMBERSHIP: Template = ("role:x", {
    "a": "org:Membership", "org:member": "person:p", "org:organization": "organization:o"})
AREA: Template = ("place:x", {
    "a": "schema:AdministrativeArea, schema:Place", "schema:name": NAMES,
    "schema:containedInPlace": "place:area"})
CITY: Template = ("place:x", {
    "a": "schema:City, schema:Place", "schema:name": NAMES,
    "schema:containedInPlace": "place:area"})
ADDRESS = ('[ a schema:PostalAddress ; schema:streetAddress "Via Emanuele Filiberto" ; '
           'schema:addressLocality "Cuneo" ; schema:addressCountry "IT" ]')
EVENT: Template = ("event:x", {
    "a": "schema:Event", "schema:name": NAMES,
    "schema:startDate": '"2021-06-14T18:00:00+02:00"^^xsd:dateTime',
    "schema:endDate": '"2021-06-14T20:00:00+02:00"^^xsd:dateTime',
    "schema:eventAttendanceMode": "schema:OnlineEventAttendanceMode",
    "schema:eventStatus": "schema:EventScheduled",
    "schema:location": '[ a schema:VirtualLocation ; schema:name "Zoom" ]',
    "schema:inLanguage": '"it"'})
SERIES: Template = ("series:x", {
    "a": "schema:EventSeries", "schema:name": NAMES, "schema:organizer": "organization:o",
    "schema:subEvent": "event:x2"})
SUB_EVENT = ('event:x2 a schema:Event ; schema:name "X2"@it, "X2"@en ; '
             'schema:startDate "2021-06-14T18:00:00+02:00"^^xsd:dateTime ; '
             'schema:eventAttendanceMode schema:OnlineEventAttendanceMode ; '
             'schema:location [ a schema:VirtualLocation ; schema:name "Zoom" ] ; '
             'schema:superEvent series:x .\n')
ARTICLE: Template = ("article:x", {
    "a": "schema:NewsArticle", "schema:name": NAMES, "schema:genre": '"comunicato stampa"@it',
    "schema:inLanguage": '"it"', "schema:about": "event:e", "schema:mentions": "person:p",
    "schema:datePublished": '"2021-06-10"^^xsd:date'})
QUOTATION: Template = ("quotation:x", {
    "a": "schema:Quotation", "schema:name": NAMES,
    "schema:text": '"Il lavoro è la porta della cittadinanza sociale."@it',
    "schema:creator": "person:p", "schema:isPartOf": "article:a"})
PERIODICAL: Template = ("periodical:x", {
    "a": "schema:Periodical", "schema:name": NAMES, "schema:issn": '"2282-1694"',
    "schema:url": "<https://www.rivistaimpresasociale.it/>", "schema:publisher": "organization:o",
    "schema:editor": "person:p"})
LAW: Template = ("legislation:x", {
    "a": "schema:Legislation", "schema:name": NAMES,
    "schema:legislationDate": '"1991-11-08"^^xsd:date',
    "schema:datePublished": '"1991-12-03"^^xsd:date', "schema:legislationType": '"legge"@it',
    "schema:legislationJurisdiction": "place:area"})
CONCEPT: Template = ("concept:x", {
    "a": "skos:Concept, schema:DefinedTerm", "skos:prefLabel": NAMES, "schema:name": NAMES,
    "skos:definition": '"Definizione."@it, "Definition."@en', "skos:inScheme": "concept:temi",
    "schema:inDefinedTermSet": "concept:temi", "skos:broader": "concept:impresa-sociale"})
SCHEME: Template = ("concept:y", {
    "a": "skos:ConceptScheme, schema:DefinedTermSet", "skos:prefLabel": NAMES,
    "schema:name": NAMES})
GRAPH_DESCRIPTION: Template = ("graph:x", {
    "a": "prov:Entity", "dct:title": '"Fonte"@it, "Source"@en',
    "dct:source": "<https://example.org/fonte>", "prov:wasDerivedFrom": "<https://example.org/fonte>",
    "dct:issued": '"2021-06-10"^^xsd:date',
    "dct:license": "<https://creativecommons.org/licenses/by/4.0/>"})

TEMPLATES: dict[str, tuple[Template, str]] = {
    "organization": (ORG, ""), "person": (PERSON, ""), "role": (ROLE, ""),
    "organization role": (ORG_ROLE, HOLDER), "membership": (MEMBERSHIP, ""),
    "administrative area": (AREA, ""), "city": (CITY, ""), "event": (EVENT, ""),
    "event series": (SERIES, SUB_EVENT), "news article": (ARTICLE, ""),
    "quotation": (QUOTATION, ""), "periodical": (PERIODICAL, ""), "legislation": (LAW, ""),
    "concept": (CONCEPT, ""), "concept scheme": (SCHEME, ""),
    "graph description": (GRAPH_DESCRIPTION, ""),
}


def node(template: Template, drop: tuple[str, ...] = (), put: dict[str, str] | None = None,
         extra: str = "") -> str:
    """The template node as Turtle, without the `drop` properties and with `put` ones set."""
    subject, props = template
    props = {k: v for k, v in props.items() if k not in drop} | (put or {})
    return subject + " " + " ;\n    ".join(f"{k} {v}" for k, v in props.items()) + " .\n" + extra


def identifier(scheme: str, value: str) -> str:
    return node(AREA, put={"schema:identifier": (
        f"[ a schema:PropertyValue ; schema:propertyID {scheme} ; schema:value {value} ]")})


@dataclass(frozen=True)
class Case:
    turtle: str
    focus: str | None  # an IRI relative to the base, or None for a blank node
    path: str | None  # as findings show it: "schema:name", or "[]" for a complex path
    it: str
    en: str
    severity: str = "Violation"


def violation(turtle, focus, path, it, en) -> Case:
    return Case(turtle, focus, path, it, en)


def warning(turtle, focus, path, it, en) -> Case:
    return Case(turtle, focus, path, it, en, "Warning")


X_ORG, X_PERSON, X_ROLE, X_PLACE = "id/organization/x", "id/person/x", "id/role/x", "id/place/x"
X_EVENT, X_SERIES, X_ARTICLE = "id/event/x", "id/series/x", "id/article/x"
X_QUOTE, X_PERIODICAL, X_LAW = "id/quotation/x", "id/periodical/x", "id/legislation/x"
X_CONCEPT, X_SCHEME, X_GRAPH = "id/concept/x", "id/concept/y", "graph/x"
CC_BY = "<https://creativecommons.org/licenses/by/4.0/>"

CASES: dict[str, Case] = {
    # names, shared by every kind of thing that has a page
    "name without @it": violation(
        node(ORG, put={"schema:name": '"X"@en'}), X_ORG, "schema:name",
        "nome in italiano", "Italian name is missing"),
    "name without @en": violation(
        node(ORG, put={"schema:name": '"X"@it'}), X_ORG, "schema:name",
        "nome in inglese", "English name is missing"),
    "name without language tag": violation(
        node(ORG, put={"schema:name": '"X"@it, "X"@en, "X"'}), X_ORG, "schema:name",
        "tag di lingua", "language tag"),
    "two Italian names": violation(
        node(ORG, put={"schema:name": '"X"@it, "Ics"@it, "X"@en'}), X_ORG, "schema:name",
        "un nome per lingua", "one name per language"),
    "description without language tag": violation(
        node(ORG, put={"schema:description": '"Un comitato."'}), X_ORG, "schema:description",
        "descrizione", "description must carry a language tag"),
    "url as a string": violation(
        node(ORG, put={"schema:url": '"https://www.cn.camcom.it/"'}), X_ORG, "schema:url",
        "IRI http(s)", "http(s) IRI"),
    "person without English name": violation(
        node(PERSON, put={"schema:name": '"Alessandro Durando"@it'}), X_PERSON, "schema:name",
        "nome in inglese", "English name is missing"),
    # organizations
    "cooperative not also typed Organization": violation(
        node(ORG, put={"a": "schema:Cooperative"}), X_ORG, "rdf:type",
        "anche il tipo schema:Organization", "also has the type schema:Organization"),
    "founding date as a string": violation(
        node(ORG, put={"schema:foundingDate": '"5 ottobre 1862"'}), X_ORG, "schema:foundingDate",
        "data di fondazione", "founding date must be"),
    "parent organization is a person": violation(
        node(ORG, put={"schema:parentOrganization": "person:p"}), X_ORG,
        "schema:parentOrganization", "organizzazione madre", "parent organization"),
    "sub-organization is a place": violation(
        node(ORG, put={"schema:subOrganization": "place:pl"}), X_ORG, "schema:subOrganization",
        "sotto-organizzazione", "sub-organization"),
    "member is a place": violation(
        node(ORG, put={"schema:member": "place:pl"}), X_ORG, "schema:member",
        "Un membro", "A member"),
    "founder is a place": violation(
        node(ORG, put={"schema:founder": "place:pl"}), X_ORG, "schema:founder",
        "fondatore", "founder"),
    "location is a string": violation(
        node(ORG, put={"schema:location": '"Dronero"'}), X_ORG, "schema:location",
        "La sede", "The location"),
    "address is a place": violation(
        node(ORG, put={"schema:address": "place:pl"}), X_ORG, "schema:address",
        "L’indirizzo", "The address"),
    "area served is a person": violation(
        node(ORG, put={"schema:areaServed": "person:p"}), X_ORG, "schema:areaServed",
        "territorio servito", "area served"),
    "nonprofit status as a string": violation(
        node(ORG, put={"a": "schema:Cooperative, schema:Organization",
                       "schema:nonprofitStatus": '"cooperativa sociale"'}),
        X_ORG, "schema:nonprofitStatus", "status non profit", "nonprofit status"),
    # people
    "two given names": violation(
        node(PERSON, put={"schema:givenName": '"Carlo", "Carlos"'}), X_PERSON,
        "schema:givenName", "nome di battesimo", "given name"),
    "family name with a language tag": violation(
        node(PERSON, put={"schema:familyName": '"Borzaga"@it'}), X_PERSON, "schema:familyName",
        "cognome", "family name"),
    "memberOf a place": violation(
        node(PERSON, put={"schema:memberOf": "place:pl"}), X_PERSON, "schema:memberOf",
        "L’appartenenza", "Membership"),
    "affiliation to a person": violation(
        node(PERSON, put={"schema:affiliation": "person:p"}), X_PERSON, "schema:affiliation",
        "afferenza", "affiliation"),
    # roles
    "role without Italian role name": violation(
        node(ROLE, put={"schema:roleName": '"Scientific director"@en'}), X_ROLE,
        "schema:roleName", "nome del ruolo in italiano", "Italian role name is missing"),
    "role without English role name": violation(
        node(ROLE, put={"schema:roleName": '"Direttore scientifico"@it'}), X_ROLE,
        "schema:roleName", "nome del ruolo in inglese", "English role name is missing"),
    "role name without language tag": violation(
        node(ROLE, put={"schema:roleName": '"Presidente"@it, "President"@en, "Presidente"'}),
        X_ROLE, "schema:roleName", "nome di ruolo deve avere un tag", "role name must carry"),
    "role that wraps nothing": violation(
        node(ROLE, drop=("schema:editor",)), X_ROLE, "[]",
        "portare il valore che rappresenta", "carry the value it stands for"),
    "role wrapping an organization as editor": violation(
        node(ROLE, put={"schema:editor": "organization:o"}), X_ROLE, "schema:editor",
        "schema:editor di un ruolo", "schema:editor value of a role"),
    "role start as a string": violation(
        node(ROLE, put={"schema:startDate": '"dal 2008"'}), X_ROLE, "schema:startDate",
        "L’inizio di un ruolo", "A role's start"),
    "role end as a string": violation(
        node(ROLE, put={"schema:endDate": '"fino al 2022"'}), X_ROLE, "schema:endDate",
        "La fine di un ruolo", "A role's end"),
    "organization role without the person": violation(
        node(ORG_ROLE, drop=("schema:member",), extra=HOLDER), X_ROLE, "schema:member",
        "una e una sola persona", "exactly one person"),
    "organization role held by a place": violation(
        node(ORG_ROLE, put={"schema:member": "place:pl"}, extra=HOLDER), X_ROLE,
        "schema:member", "una e una sola persona", "exactly one person"),
    "organization role no organization points to": violation(
        node(ORG_ROLE), X_ROLE, "[]",
        "collegato alla sua organizzazione", "linked from its organization"),
    "organization role memberOf a place": violation(
        node(ORG_ROLE, put={"schema:memberOf": "place:pl"}, extra=HOLDER), X_ROLE,
        "schema:memberOf", "schema:memberOf di un ruolo", "schema:memberOf value of a role"),
    "ORG membership without member": violation(
        node(MEMBERSHIP, drop=("org:member",)), X_ROLE, "org:member",
        "org:member", "org:member"),
    "ORG membership without organization": violation(
        node(MEMBERSHIP, drop=("org:organization",)), X_ROLE, "org:organization",
        "org:organization", "org:organization"),
    # places and codes
    "area not also typed Place": violation(
        node(AREA, put={"a": "schema:AdministrativeArea"}), X_PLACE, "rdf:type",
        "anche il tipo schema:Place", "also has the type schema:Place"),
    "contained in an organization": violation(
        node(AREA, put={"schema:containedInPlace": "organization:o"}), X_PLACE,
        "schema:containedInPlace", "luogo che contiene", "containing place"),
    "identifier as a bare string": violation(
        node(AREA, put={"schema:identifier": '"004078"'}), X_PLACE, "schema:identifier",
        "schema:PropertyValue", "schema:PropertyValue"),
    "city not placed in anything": violation(
        node(CITY, drop=("schema:containedInPlace",)), X_PLACE, "schema:containedInPlace",
        "in quale luogo si trova", "which place it lies in"),
    "identifier without scheme": violation(
        node(AREA, put={"schema:identifier": '[ a schema:PropertyValue ; schema:value "004" ]'}),
        None, "schema:propertyID", "schema:propertyID", "schema:propertyID"),
    "identifier value as a number": violation(
        identifier('"altro"', "4078"), None, "schema:value",
        "mai un numero", "never a number"),
    "ISTAT code of a comune without leading zeros": violation(
        identifier('"ISTAT"', '"4078"'), None, None,
        "ha esattamente 6 cifre", "has exactly 6 digits"),
    "ISTAT code of a province too short": violation(
        identifier('"ISTAT-provincia"', '"4"'), None, None,
        "ha esattamente 3 cifre", "has exactly 3 digits"),
    "ISTAT code of a region too short": violation(
        identifier('"ISTAT-regione"', '"1"'), None, None,
        "ha esattamente 2 cifre", "has exactly 2 digits"),
    "cadastral code in lower case": violation(
        identifier('"codice-catastale"', '"d205"'), None, None,
        "lettera maiuscola seguita da 3 cifre", "capital letter followed by 3 digits"),
    "postcode with four digits": violation(
        identifier('"CAP"', '"1210"'), None, None,
        "ha esattamente 5 cifre", "has exactly 5 digits"),
    "province abbreviation in mixed case": violation(
        identifier('"sigla-provincia"', '"Cn"'), None, None,
        "2 lettere maiuscole", "2 capital letters"),
    "sameAs to a Wikidata page, not the entity": violation(
        node(AREA, put={"schema:sameAs": "<https://www.wikidata.org/wiki/Q38>"}), X_PLACE,
        "schema:sameAs", "entità Wikidata", "Wikidata entity"),
    "sameAs to another dataset": violation(
        node(ORG, put={"schema:sameAs": "<https://www.geonames.org/3175395>"}), X_ORG,
        "schema:sameAs", "entità Wikidata", "Wikidata entity"),
    "owl:sameAs": violation(
        node(AREA, put={"owl:sameAs": "<http://www.wikidata.org/entity/Q38>"}), X_PLACE,
        "owl:sameAs", "Non usare owl:sameAs", "Do not use owl:sameAs"),
    "address without locality": violation(
        node(ORG, put={"schema:address": (
            '[ a schema:PostalAddress ; schema:streetAddress "Via Emanuele Filiberto" ; '
            'schema:addressCountry "IT" ]')}),
        None, "schema:addressLocality", "località", "locality"),
    "address country as a name": violation(
        node(ORG, put={"schema:address": ADDRESS.replace('"IT"', '"Italia"')}), None,
        "schema:addressCountry", "ISO 3166-1", "ISO 3166-1"),
    "address with two streets": violation(
        node(ORG, put={"schema:address": ADDRESS.replace(
            '"Via Emanuele Filiberto"', '"Via Emanuele Filiberto", "Via Antonio Toselli"')}),
        None, "schema:streetAddress", "Al massimo una via", "At most one street"),
    "virtual location with neither platform nor link": violation(
        node(EVENT, put={"schema:location": (
            '[ a schema:VirtualLocation ; schema:description "online"@it ]')}),
        None, "[]", "la piattaforma (schema:name) o il collegamento",
        "the platform (schema:name) or the link"),
    "virtual location link as a string": violation(
        node(EVENT, put={"schema:location": (
            '[ a schema:VirtualLocation ; schema:url "https://zoom.us/" ]')}),
        None, "schema:url", "IRI http(s)", "http(s) IRI"),
    # events: what search engines want is a warning
    "event without Italian name": warning(
        node(EVENT, put={"schema:name": '"X"@en'}), X_EVENT, "schema:name",
        "nome in italiano", "no Italian name"),
    "event without English name": warning(
        node(EVENT, put={"schema:name": '"X"@it'}), X_EVENT, "schema:name",
        "nome in inglese", "no English name"),
    "event without start date": warning(
        node(EVENT, drop=("schema:startDate", "schema:endDate")), X_EVENT, "schema:startDate",
        "data di inizio", "no start date"),
    "event without location": warning(
        node(EVENT, drop=("schema:location",)), X_EVENT, "schema:location",
        "non ha un luogo", "has no location"),
    "event without attendance mode": warning(
        node(EVENT, drop=("schema:eventAttendanceMode",)), X_EVENT, "schema:eventAttendanceMode",
        "in presenza, online o in forma mista", "in person, online or mixed"),
    "online event in a physical place": warning(
        node(EVENT, put={"schema:location": "place:pl"}), X_EVENT, None,
        "evento online dovrebbe avere", "online event should have"),
    # events: what must hold is a violation
    "start date as a string": violation(
        node(EVENT, drop=("schema:endDate",),
             put={"schema:startDate": '"2021-06-14T18:00:00+02:00"'}),
        X_EVENT, "schema:startDate", "xsd:dateTime", "typed xsd:dateTime"),
    "start date without UTC offset": violation(
        node(EVENT, drop=("schema:endDate",),
             put={"schema:startDate": '"2021-06-14T18:00:00"^^xsd:dateTime'}),
        X_EVENT, "schema:startDate", "ora e fuso orario", "UTC offset"),
    "two start dates": violation(
        node(EVENT, drop=("schema:endDate",), put={"schema:startDate": (
            '"2021-06-14T18:00:00+02:00"^^xsd:dateTime, '
            '"2021-06-21T18:00:00+02:00"^^xsd:dateTime')}),
        X_EVENT, "schema:startDate", "è una sola", "one start date"),
    "end date without UTC offset": violation(
        node(EVENT, drop=("schema:startDate",),
             put={"schema:endDate": '"2021-06-14T20:00:00"^^xsd:dateTime'}),
        X_EVENT, "schema:endDate", "ora e fuso orario", "UTC offset"),
    "end date as a date": violation(
        node(EVENT, drop=("schema:startDate",),
             put={"schema:endDate": '"2021-06-14T20:00:00+02:00"'}),
        X_EVENT, "schema:endDate", "xsd:dateTime", "typed xsd:dateTime"),
    "end before start": violation(
        node(EVENT, put={"schema:endDate": '"2021-06-14T17:00:00+02:00"^^xsd:dateTime'}),
        X_EVENT, "schema:startDate", "iniziare prima di finire", "start before it ends"),
    "attendance mode not in the enumeration": violation(
        node(EVENT, put={"schema:eventAttendanceMode": "schema:OnlineEventStatus"}), X_EVENT,
        "schema:eventAttendanceMode", "modalità di partecipazione", "attendance mode is one of"),
    "event status not in the enumeration": violation(
        node(EVENT, put={"schema:eventStatus": "schema:OnlineEventAttendanceMode"}), X_EVENT,
        "schema:eventStatus", "stato dell’evento", "event status is one of"),
    "location as a string": violation(
        node(EVENT, put={"schema:location": '"online"'}), X_EVENT, "schema:location",
        "luogo dell’evento", "event's location must be"),
    "organizer is a place": violation(
        node(EVENT, put={"schema:organizer": "place:pl"}), X_EVENT, "schema:organizer",
        "organizzatore", "organizer"),
    "performer as a string": violation(
        node(EVENT, put={"schema:performer": '"i rappresentanti della cooperativa"'}), X_EVENT,
        "schema:performer", "Un relatore", "A speaker"),
    "superEvent is an organization": violation(
        node(EVENT, put={"schema:superEvent": "organization:o"}),
        X_EVENT, "schema:superEvent", "schema:EventSeries o uno schema:Event",
        "schema:EventSeries or a schema:Event"),
    "superEvent that does not list the event": violation(
        node(EVENT, put={"schema:superEvent": "series:s"}), "id/series/s", "[]",
        "devono coincidere", "must be the same"),
    "topic as a string": violation(
        node(EVENT, put={"schema:about": '"inserimento lavorativo"'}), X_EVENT, "schema:about",
        "Gli argomenti", "Topics"),
    "language as a name": violation(
        node(EVENT, put={"schema:inLanguage": '"italiano"'}), X_EVENT, "schema:inLanguage",
        "BCP 47", "BCP 47"),
    # event series
    "series without organizer": violation(
        node(SERIES, drop=("schema:organizer",), extra=SUB_EVENT), X_SERIES, "schema:organizer",
        "chi la organizza", "names its organizer"),
    "series without events": violation(
        node(SERIES, drop=("schema:subEvent",)), X_SERIES, "schema:subEvent",
        "elenca i suoi eventi", "lists its events"),
    "series event that points elsewhere": violation(
        node(SERIES, put={"schema:subEvent": "event:e"}), X_SERIES, "[]",
        "devono coincidere", "must be the same"),
    "series without English name": violation(
        node(SERIES, put={"schema:name": '"X"@it'}, extra=SUB_EVENT), X_SERIES, "schema:name",
        "nome in inglese", "English name is missing"),
    # news article
    "article without language": violation(
        node(ARTICLE, drop=("schema:inLanguage",)), X_ARTICLE, "schema:inLanguage",
        "la sua lingua", "gives its language"),
    "article without genre": violation(
        node(ARTICLE, drop=("schema:genre",)), X_ARTICLE, "schema:genre",
        "il genere", "its genre"),
    "article about nothing": violation(
        node(ARTICLE, drop=("schema:about",)), X_ARTICLE, "schema:about",
        "di che cosa tratta", "what it is about"),
    "article about a string": violation(
        node(ARTICLE, put={"schema:about": '"il webinar"'}), X_ARTICLE, "schema:about",
        "di che cosa tratta", "what it is about"),
    "article mentioning a string": violation(
        node(ARTICLE, put={"schema:mentions": '"Euricse"'}), X_ARTICLE, "schema:mentions",
        "menzioni", "Mentions"),
    "article date as a string": violation(
        node(ARTICLE, put={"schema:datePublished": '"10 giugno 2021"'}), X_ARTICLE,
        "schema:datePublished", "data di pubblicazione", "publication date"),
    # quotation
    "quotation without text": violation(
        node(QUOTATION, drop=("schema:text",)), X_QUOTE, "schema:text",
        "uno e un solo testo", "exactly one text"),
    "quotation with two texts": violation(
        node(QUOTATION, put={"schema:text": '"Il lavoro."@it, "La nostra provincia."@it'}),
        X_QUOTE, "schema:text", "uno e un solo testo", "exactly one text"),
    "quotation text without language": violation(
        node(QUOTATION, put={"schema:text": '"Il lavoro è la porta della cittadinanza sociale."'}),
        X_QUOTE, "schema:text", "lingua in cui è stata detta", "language it was spoken in"),
    "quotation without creator": violation(
        node(QUOTATION, drop=("schema:creator",)), X_QUOTE, "schema:creator",
        "chi l’ha pronunciata", "names who said it"),
    "quotation by a place": violation(
        node(QUOTATION, put={"schema:creator": "place:pl"}), X_QUOTE, "schema:creator",
        "chi l’ha pronunciata", "names who said it"),
    "quotation from nowhere": violation(
        node(QUOTATION, drop=("schema:isPartOf",)), X_QUOTE, "schema:isPartOf",
        "documento da cui è tratta", "document it is taken from"),
    # periodical
    "ISSN without hyphen": violation(
        node(PERIODICAL, put={"schema:issn": '"22821694"'}), X_PERIODICAL, "schema:issn",
        "ISSN", "ISSN"),
    "publisher is a place": violation(
        node(PERIODICAL, put={"schema:publisher": "place:pl"}), X_PERIODICAL,
        "schema:publisher", "L’editore", "The publisher"),
    "editor is an organization": violation(
        node(PERIODICAL, put={"schema:editor": "organization:o"}), X_PERIODICAL,
        "schema:editor", "Il curatore", "The editor"),
    # legislation
    "law without date": violation(
        node(LAW, drop=("schema:legislationDate",)), X_LAW, "schema:legislationDate",
        "una e una sola data", "exactly one date"),
    "law date as a year": violation(
        node(LAW, put={"schema:legislationDate": '"1991"^^xsd:gYear'}), X_LAW,
        "schema:legislationDate", "una e una sola data", "exactly one date"),
    "law publication date with a time": violation(
        node(LAW, put={"schema:datePublished": '"1991-12-03T00:00:00+01:00"^^xsd:dateTime'}),
        X_LAW, "schema:datePublished", "data di pubblicazione", "publication date"),
    "law without type": violation(
        node(LAW, drop=("schema:legislationType",)), X_LAW, "schema:legislationType",
        "il suo tipo", "gives its type"),
    "law of a person's jurisdiction": violation(
        node(LAW, put={"schema:legislationJurisdiction": "person:p"}), X_LAW,
        "schema:legislationJurisdiction", "giurisdizione", "jurisdiction"),
    # themes
    "theme that is not a DefinedTerm": violation(
        node(CONCEPT, put={"a": "skos:Concept"}), X_CONCEPT, "rdf:type",
        "anche uno schema:DefinedTerm", "also a schema:DefinedTerm"),
    "DefinedTerm that is not a SKOS concept": violation(
        node(CONCEPT, put={"a": "schema:DefinedTerm"}), X_CONCEPT, "rdf:type",
        "è un skos:Concept", "is a skos:Concept"),
    "theme without Italian label": violation(
        node(CONCEPT, put={"skos:prefLabel": '"X"@en'}), X_CONCEPT, "skos:prefLabel",
        "etichetta preferita in italiano", "Italian preferred label"),
    "theme without English label": violation(
        node(CONCEPT, put={"skos:prefLabel": '"X"@it'}), X_CONCEPT, "skos:prefLabel",
        "etichetta preferita in inglese", "English preferred label"),
    "theme with two Italian labels": violation(
        node(CONCEPT, put={"skos:prefLabel": '"X"@it, "Ics"@it, "X"@en'}), X_CONCEPT,
        "skos:prefLabel", "Una sola etichetta preferita per lingua",
        "One preferred label per language"),
    "theme without Italian definition": violation(
        node(CONCEPT, put={"skos:definition": '"Definition."@en'}), X_CONCEPT,
        "skos:definition", "definizione in italiano", "Italian definition"),
    "theme without English definition": violation(
        node(CONCEPT, put={"skos:definition": '"Definizione."@it'}), X_CONCEPT,
        "skos:definition", "definizione in inglese", "English definition"),
    "theme outside any scheme": violation(
        node(CONCEPT, drop=("skos:inScheme",)), X_CONCEPT, "skos:inScheme",
        "schema di concetti", "concept scheme"),
    "theme outside any term set": violation(
        node(CONCEPT, drop=("schema:inDefinedTermSet",)), X_CONCEPT, "schema:inDefinedTermSet",
        "insieme di termini", "set of terms"),
    "broader theme that is an organization": violation(
        node(CONCEPT, put={"skos:broader": "organization:o"}), X_CONCEPT, "skos:broader",
        "tema più generale", "broader theme"),
    "scheme without Italian label": violation(
        node(SCHEME, put={"skos:prefLabel": '"Y"@en'}), X_SCHEME, "skos:prefLabel",
        "etichetta preferita in italiano", "Italian preferred label"),
    "scheme without English label": violation(
        node(SCHEME, put={"skos:prefLabel": '"Y"@it'}), X_SCHEME, "skos:prefLabel",
        "etichetta preferita in inglese", "English preferred label"),
    # provenance of a named graph
    "graph without Italian title": violation(
        node(GRAPH_DESCRIPTION, put={"dct:title": '"Source"@en'}), X_GRAPH, "dct:title",
        "titolo in italiano", "no Italian title"),
    "graph without English title": violation(
        node(GRAPH_DESCRIPTION, put={"dct:title": '"Fonte"@it'}), X_GRAPH, "dct:title",
        "titolo in inglese", "no English title"),
    "graph without source": violation(
        node(GRAPH_DESCRIPTION, drop=("dct:source",)), X_GRAPH, "dct:source",
        "documento da cui provengono", "document its facts come from"),
    "graph derived from a string": violation(
        node(GRAPH_DESCRIPTION, put={"prov:wasDerivedFrom": '"targatocn.it"'}), X_GRAPH,
        "prov:wasDerivedFrom", "IRI del documento", "IRI of the source document"),
    "graph without licence": violation(
        node(GRAPH_DESCRIPTION, drop=("dct:license",)), X_GRAPH, "dct:license",
        "CC BY 4.0", "CC BY 4.0"),
    "graph under another licence": violation(
        node(GRAPH_DESCRIPTION, put={
            "dct:license": "<https://creativecommons.org/licenses/by-sa/4.0/>"}),
        X_GRAPH, "dct:license", "CC BY 4.0", "CC BY 4.0"),
    "graph dated with a year": violation(
        node(GRAPH_DESCRIPTION, put={"dct:issued": '"2021"^^xsd:gYear'}), X_GRAPH, "dct:issued",
        "dct:issued", "dct:issued"),
}


# -- running examples ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(Settings())


@pytest.fixture(scope="module")
def check(shapes, tmp_path_factory):
    """Validate Turtle (plus WORLD) as the only data file, with the real ontology and shapes."""

    def run(turtle: str):
        root = tmp_path_factory.mktemp("case")
        (root / "data").mkdir()
        (root / "data" / "case.ttl").write_text(PREFIXES + WORLD + turtle, encoding="utf-8")
        settings = Settings(root=root, ontology_dir=PROJECT_ROOT / "ontology",
                            shapes_dir=PROJECT_ROOT / "shapes")
        sources = load_sources(settings)
        return sources, validate(sources, settings, shapes=shapes)

    return run


@pytest.fixture(scope="module")
def outcomes(check) -> dict[str, tuple[object, list[Finding]]]:
    """Every broken example, validated once: used by the per-rule tests and the coverage test."""
    return {name: check(case.turtle) for name, case in CASES.items()}


def shown(sources, relative: str | None) -> str:
    """A focus node as findings show it."""
    if relative is None:
        return "[]"
    return URIRef(sources.settings.base_iri + relative).n3(sources.namespaces)


def test_world_alone_conforms_without_warnings(check):
    _, findings = check("")
    assert findings == [], "\n".join(f.describe() for f in findings)


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_is_valid_before_it_is_broken(check, name):
    template, extra = TEMPLATES[name]
    _, findings = check(node(template, extra=extra))
    assert findings == [], "\n".join(f.describe() for f in findings)


@pytest.mark.parametrize("name", CASES)
def test_each_rule_catches_its_mistake(outcomes, name):
    case = CASES[name]
    sources, findings = outcomes[name]
    focus = shown(sources, case.focus)
    report = "\n".join(f.describe() for f in findings)
    matching = [f for f in findings
                if f.subject == focus and f.path == case.path and f.severity == case.severity
                and case.it in f.messages.get("it", "") and case.en in f.messages.get("en", "")]
    assert matching, f"no {case.severity} on {focus} {case.path}:\n{report}"
    assert all(f.file == "data/case.ttl" for f in matching)
    # nothing else is wrong: the example broke one thing only
    offenders = [f for f in findings if f.is_violation]
    if case.severity == "Violation":
        assert {f.subject for f in offenders} == {focus}, report
    else:
        assert offenders == [], report


@pytest.mark.parametrize("name", CASES)
def test_the_reference_engine_gives_the_same_findings(shapes, outcomes, name):
    """pyshacl, the reference, on an rdflib copy of the same parsed data: every finding as
    pyshacl-turbo (the default engine) gives it, field by field."""
    sources, findings = outcomes[name]
    assert findings, "the example is broken"
    assert validate(sources, shapes=shapes, engine="pyshacl") == findings


def test_every_message_of_the_shapes_is_proven_by_an_example(shapes, outcomes):
    written = {str(m) for m in shapes.objects(None, SH.message)
               if isinstance(m, Literal) and m.language == "en"}
    produced = {f.messages.get("en") for _, findings in outcomes.values() for f in findings}
    assert written - produced == set(), "rules without a broken example"


# -- the shapes themselves -----------------------------------------------------------------------


def constraints(shapes: Graph) -> set:
    """Every rule a finding can come from: the property shapes of the node shapes, the named
    property shapes, and node shapes that constrain the focus node themselves (sh:or ...).
    Shapes nested inside sh:or / sh:not are parts of their rule, and speak through it."""
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    found = {p for n in node_shapes for p in shapes.objects(n, SH.property)}
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    logical = (SH["or"], SH["and"], SH["not"], SH.xone)
    return found | {n for n in node_shapes if any((n, c, None) in shapes for c in logical)}


def test_every_constraint_speaks_italian_and_english(shapes):
    rules = constraints(shapes)
    assert len(rules) > 100
    for rule in rules:
        languages = sorted(m.language for m in shapes.objects(rule, SH.message))
        assert languages == ["en", "it"], (rule, languages)


def test_every_node_shape_is_labelled_in_both_languages(shapes):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert node_shapes
    for shape in node_shapes:
        assert {label.language for label in shapes.objects(shape, RDFS.label)} == {"it", "en"}


def test_warnings_are_only_what_search_engines_want(shapes):
    """Warnings stay warnings: an Event's name, start date, location and attendance mode."""
    warned = {c for c in constraints(shapes) if shapes.value(c, SH.severity) == SH.Warning}
    schema = "https://schema.org/"
    assert {shapes.value(c, SH.path) for c in warned} == {None} | {
        URIRef(schema + p) for p in ("name", "startDate", "location", "eventAttendanceMode")}
    # the one node-level warning: an online event should be in a VirtualLocation
    [online] = [c for c in warned if shapes.value(c, SH.path) is None]
    assert set(shapes.objects(online, SH.targetClass)) >= {URIRef(schema + "Event")}


def test_every_class_used_in_the_data_has_a_shape(shapes, sources):
    targeted = set(shapes.objects(None, SH.targetClass))
    used = set(sources.rdflib_dataset.objects(None, RDF.type))
    ontology_terms = {URIRef(sources.settings.base_iri + "ontology")}
    untargeted = {c for c in used - targeted - ontology_terms
                  if not str(c).startswith("http://www.w3.org/2002/07/owl#")}
    assert untargeted == set()


# -- the shipped graph ---------------------------------------------------------------------------

UNSCHEDULED = ("bilancio-delle-imprese-sociali", "trenta-anni-di-cooperazione-sociale")


@pytest.fixture(scope="module")
def shipped(sources, shapes):
    return validate(sources, shapes=shapes)


def test_shipped_graph_has_no_violation(shipped):
    offenders = [f.describe() for f in shipped if f.is_violation]
    assert offenders == []


@pytest.mark.parametrize("slug", UNSCHEDULED)
@pytest.mark.parametrize("path", ["schema:startDate", "schema:location",
                                  "schema:eventAttendanceMode"])
def test_unscheduled_webinars_warn_what_search_engines_miss(sources, shipped, slug, path):
    focus = shown(sources, f"id/event/{slug}")
    assert any(f.subject == focus and f.path == path and f.severity == "Warning"
               and f.file == "data/press-release-2021-06-10.ttl" for f in shipped)


def test_only_the_unscheduled_webinars_warn(sources, shipped):
    assert {f.subject for f in shipped} == {shown(sources, f"id/event/{s}") for s in UNSCHEDULED}


def test_blank_nodes_are_structured_values_only(sources):
    allowed = {URIRef("https://schema.org/" + c) for c in
               ("PostalAddress", "VirtualLocation", "PropertyValue")}
    for graph in sources.rdflib_dataset.graphs():
        for subject in set(graph.subjects()):
            if isinstance(subject, BNode) and (subject, None, None) in graph:
                types = set(graph.objects(subject, RDF.type))
                if types:  # list cells and shape internals carry no type
                    assert types <= allowed, (graph.identifier, types)
