"""``import_file``: good files of every kind round-trip into the graph; bad files give every error
with row and column and leave data/ byte-identical; a re-import changes nothing.

All values are fictional (organizations and people "(fittizia)", sources on example.org); the one
real thing touched is an existing webinar, to show a row adding a statement (a made-up date) to
it, in a temporary copy of the project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, XSD

from cisem_graph.errors import ImportFailed
from cisem_graph.importer import import_file
from cisem_graph.namespaces import SDO, ontology_ns

from .conftest import SOURCE, snapshot, write_csv, write_xlsx

BASE = "https://w3id.org/cisem/"
ID = f"{BASE}id/"
SPDX = "http://spdx.org/rdf/terms#"


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=BASE)


# -- a good file per kind, as .xlsx (Italian headers, typed cells) and .csv (English headers) ------

GOOD = {
    "organizations": dict(
        xlsx=[["slug", "Nome", "Tipo", "Sede", "Sito web", "Data di fondazione", "Fonte"],
              ["cooperativa-esempio", "Cooperativa Esempio (fittizia)",
               "cooperativa sociale di inserimento lavorativo", "Dronero", "https://example.org/coop",
               2031, SOURCE]],
        csv=[["slug", "name", "type", "place", "website", "founding date", "source"],
             ["cooperativa-esempio", "Cooperativa Esempio (fittizia)",
              "work-integration social cooperative", "dronero", "https://example.org/coop", "2031",
              SOURCE]],
        triples=lambda cisem: [
            (iri("organization/cooperativa-esempio"), RDF.type, SDO.Organization),
            (iri("organization/cooperativa-esempio"), RDF.type, SDO.Cooperative),
            (iri("organization/cooperativa-esempio"), RDF.type, cisem.WorkIntegrationSocialCooperative),
            (iri("organization/cooperativa-esempio"), SDO.name,
             Literal("Cooperativa Esempio (fittizia)", lang="it")),
            (iri("organization/cooperativa-esempio"), SDO.name,
             Literal("Cooperativa Esempio (fittizia)", lang="en")),
            (iri("organization/cooperativa-esempio"), SDO.location, iri("place/dronero")),
            (iri("organization/cooperativa-esempio"), SDO.url, URIRef("https://example.org/coop")),
            (iri("organization/cooperativa-esempio"), SDO.foundingDate,
             Literal("2031", datatype=XSD.gYear)),
        ]),
    "people": dict(
        xlsx=[["Nome", "Cognome", "Titolo", "Organizzazione", "Fonte"],
              ["Anna", "Esempio", "dott.ssa", "Cooperativa Prova (fittizia)", SOURCE]],
        csv=[["given name", "family name", "honorific prefix", "affiliation", "source"],
             ["Anna", "Esempio", "dott.ssa", "cooperativa-prova", SOURCE]],
        triples=lambda cisem: [
            (iri("person/anna-esempio"), RDF.type, SDO.Person),
            (iri("person/anna-esempio"), SDO.name, Literal("Anna Esempio", lang="it")),
            (iri("person/anna-esempio"), SDO.name, Literal("Anna Esempio", lang="en")),
            (iri("person/anna-esempio"), SDO.givenName, Literal("Anna")),
            (iri("person/anna-esempio"), SDO.familyName, Literal("Esempio")),
            (iri("person/anna-esempio"), SDO.honorificPrefix, Literal("dott.ssa")),
            (iri("person/anna-esempio"), SDO.affiliation, iri("organization/cooperativa-prova")),
        ]),
    "roles": dict(
        xlsx=[["Persona", "Organizzazione", "Ruolo", "Ruolo inglese", "Inizio", "Fonte"],
              ["Giulia Prova", "Cooperativa Prova (fittizia)", "Presidente", "President",
               dt.date(2031, 1, 1), SOURCE]],
        csv=[["person", "organization", "role", "role en", "start date", "source"],
             ["giulia-prova", "cooperativa-prova", "Presidente", "President", "01/01/2031", SOURCE]],
        triples=lambda cisem: [
            (iri("role/prova-presidente-cooperativa-prova"), RDF.type, SDO.OrganizationRole),
            (iri("role/prova-presidente-cooperativa-prova"), RDF.type, ORG.Membership),
            (iri("role/prova-presidente-cooperativa-prova"), SDO.member, iri("person/giulia-prova")),
            (iri("role/prova-presidente-cooperativa-prova"), ORG.member, iri("person/giulia-prova")),
            (iri("role/prova-presidente-cooperativa-prova"), SDO.memberOf,
             iri("organization/cooperativa-prova")),
            (iri("organization/cooperativa-prova"), SDO.member,
             iri("role/prova-presidente-cooperativa-prova")),
            (iri("person/giulia-prova"), SDO.memberOf, iri("role/prova-presidente-cooperativa-prova")),
            (iri("role/prova-presidente-cooperativa-prova"), SDO.roleName, Literal("Presidente", lang="it")),
            (iri("role/prova-presidente-cooperativa-prova"), SDO.roleName, Literal("President", lang="en")),
            (iri("role/prova-presidente-cooperativa-prova"), SDO.startDate,
             Literal("2031-01-01", datatype=XSD.date)),
        ]),
    "events": dict(
        xlsx=[["slug", "Titolo", "Titolo inglese", "Inizio", "Fine", "Modalità", "Piattaforma",
               "Organizzatore", "Relatori", "Temi", "Fonte"],
              ["webinar-prova", "Webinar di prova (fittizio)", "Test webinar (fictional)",
               dt.datetime(2031, 6, 14, 18, 0), dt.datetime(2031, 6, 14, 20, 0), "online", "Zoom",
               "Cooperativa Prova (fittizia)", "Giulia Prova; cooperativa-prova", "Impresa sociale",
               SOURCE]],
        csv=[["slug", "title", "title en", "start", "end", "attendance mode", "platform", "organizer",
              "speakers", "topics", "source"],
             ["webinar-prova", "Webinar di prova (fittizio)", "Test webinar (fictional)",
              "14/06/2031 18:00", "2031-06-14T20:00", "online", "Zoom", "cooperativa-prova",
              "giulia-prova | Cooperativa Prova (fittizia)", "impresa-sociale", SOURCE]],
        triples=lambda cisem: [
            (iri("event/webinar-prova"), RDF.type, SDO.Event),
            (iri("event/webinar-prova"), SDO.name, Literal("Webinar di prova (fittizio)", lang="it")),
            (iri("event/webinar-prova"), SDO.name, Literal("Test webinar (fictional)", lang="en")),
            # 14 June is summer time in Rome: +02:00
            (iri("event/webinar-prova"), SDO.startDate,
             Literal("2031-06-14T18:00:00+02:00", datatype=XSD.dateTime)),
            (iri("event/webinar-prova"), SDO.endDate,
             Literal("2031-06-14T20:00:00+02:00", datatype=XSD.dateTime)),
            (iri("event/webinar-prova"), SDO.eventAttendanceMode, SDO.OnlineEventAttendanceMode),
            (iri("event/webinar-prova"), SDO.organizer, iri("organization/cooperativa-prova")),
            (iri("event/webinar-prova"), SDO.performer, iri("person/giulia-prova")),
            (iri("event/webinar-prova"), SDO.performer, iri("organization/cooperativa-prova")),
            (iri("event/webinar-prova"), SDO.about, iri("concept/impresa-sociale")),
        ]),
    "places": dict(
        xlsx=[["Nome", "Tipo", "Si trova in", "Codice ISTAT", "CAP", "Fonte"],
              ["Borgo Prova (fittizio)", "comune", "Provincia di Cuneo", 4999, 12099, SOURCE]],
        csv=[["name", "type", "contained in", "istat code", "postcode", "source"],
             ["Borgo Prova (fittizio)", "municipality", "provincia-di-cuneo", "004999", "12099", SOURCE]],
        triples=lambda cisem: [
            (iri("place/borgo-prova-fittizio"), RDF.type, SDO.City),
            (iri("place/borgo-prova-fittizio"), RDF.type, SDO.Place),
            (iri("place/borgo-prova-fittizio"), SDO.name, Literal("Borgo Prova (fittizio)", lang="it")),
            (iri("place/borgo-prova-fittizio"), SDO.containedInPlace, iri("place/provincia-di-cuneo")),
        ]),
}


def write_good(kind: str, fmt: str, folder: Path) -> Path:
    rows = GOOD[kind][fmt]
    if fmt == "xlsx":
        return write_xlsx(folder / f"{kind}-prova.xlsx", rows)
    return write_csv(folder / f"{kind}-prova.csv", rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", list(GOOD))
def test_a_good_file_round_trips_into_its_graph(kind, fmt, seeded, inbox):
    path = write_good(kind, fmt, inbox)
    result = import_file(path, kind, seeded)
    assert result.written and result.rows == 1 and len(result.created) == 1
    assert result.path == seeded.data_dir / f"import-{kind}-prova.ttl"
    graph = parse(result.path)
    for triple in GOOD[kind]["triples"](ontology_ns(BASE)):
        assert triple in graph, triple
    thing = result.created[0]
    assert (thing, DCTERMS.source, URIRef(SOURCE)) in graph
    # provenance of the graph: the file, its checksum, when, the licence
    graph_id = URIRef(f"{BASE}graph/import-{kind}-prova")
    assert result.graph == graph_id
    assert (graph_id, DCTERMS.source, Literal(path.name)) in graph
    checksum = graph.value(graph_id, URIRef(SPDX + "checksum"))
    assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == \
        hashlib.sha256(path.read_bytes()).hexdigest()
    assert graph.value(graph_id, DCTERMS.created).datatype == XSD.dateTime
    assert (graph_id, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    # written with IRIs relative to the base, like the curated files
    text = result.path.read_text(encoding="utf-8")
    assert BASE not in text and "@prefix graph: <graph/> ." in text


def test_place_codes_typed_as_numbers_in_excel_keep_their_leading_zeros(project, inbox):
    result = import_file(write_good("places", "xlsx", inbox), "places", project)
    graph = parse(result.path)
    codes = {str(graph.value(n, SDO.propertyID)): str(graph.value(n, SDO.value))
             for n in graph.objects(iri("place/borgo-prova-fittizio"), SDO.identifier)}
    assert codes == {"ISTAT": "004999", "CAP": "12099"}


def test_a_row_adds_a_statement_to_an_existing_thing(project, inbox):
    """The second webinar's date, once known: one row with its slug, the date and the source."""
    curated = (project.data_dir / "press-release-2021-06-10.ttl").read_bytes()
    path = write_csv(inbox / "secondo-webinar.csv", [
        ["slug", "inizio", "fonte"],
        ["bilancio-delle-imprese-sociali", "12/10/2021 17:00", SOURCE],
    ])
    result = import_file(path, "events", project)
    event = iri("event/bilancio-delle-imprese-sociali")
    assert result.extended == [event] and result.created == []
    graph = parse(result.path)
    # October 12 is still summer time in Rome
    assert (event, SDO.startDate, Literal("2021-10-12T17:00:00+02:00", datatype=XSD.dateTime)) in graph
    assert (event, RDF.type, None) not in graph and (event, SDO.name, None) not in graph
    assert (project.data_dir / "press-release-2021-06-10.ttl").read_bytes() == curated


def test_a_winter_time_is_written_with_plus_one(project, inbox):
    path = write_csv(inbox / "inverno.csv", [["titolo", "inizio", "fonte"],
                                             ["Incontro invernale (fittizio)", "14/01/2031 18:00", SOURCE]])
    graph = parse(import_file(path, "events", project).path)
    assert (iri("event/incontro-invernale-fittizio"), SDO.startDate,
            Literal("2031-01-14T18:00:00+01:00", datatype=XSD.dateTime)) in graph


def test_a_reference_to_a_thing_the_same_file_creates_later_is_fine(project, inbox):
    path = write_csv(inbox / "gruppo.csv", [
        ["nome", "fa parte di", "fonte"],
        ["Sportello Esempio (fittizio)", "Consorzio Esempio (fittizio)", SOURCE],
        ["Consorzio Esempio (fittizio)", "", SOURCE],
    ])
    graph = parse(import_file(path, "organizations", project).path)
    child = iri("organization/sportello-esempio-fittizio")
    parent = iri("organization/consorzio-esempio-fittizio")
    assert (child, SDO.parentOrganization, parent) in graph
    assert (parent, SDO.subOrganization, child) in graph


def test_rows_about_the_same_thing_that_agree_are_merged(project, inbox):
    path = write_csv(inbox / "doppia.csv", [
        ["slug", "nome", "sito web", "fonte"],
        ["coop-doppia", "Coop Doppia (fittizia)", "", SOURCE],
        ["coop-doppia", "Coop Doppia (fittizia)", "https://example.org/doppia", SOURCE],
    ])
    result = import_file(path, "organizations", project)
    assert result.created == [iri("organization/coop-doppia")]
    url = URIRef("https://example.org/doppia")
    assert (iri("organization/coop-doppia"), SDO.url, url) in parse(result.path)


# -- idempotency ---------------------------------------------------------------------------------

def test_importing_the_same_file_again_changes_no_byte(project, inbox):
    path = write_good("organizations", "xlsx", inbox)
    first = import_file(path, "organizations", project, now=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    before = snapshot(project.data_dir)
    again = import_file(path, "organizations", project, now=dt.datetime(2032, 2, 2, tzinfo=dt.UTC))
    assert first.written and not again.written
    assert snapshot(project.data_dir) == before
    assert again.graph == first.graph and again.created == first.created


def test_a_changed_file_replaces_its_graph(project, inbox):
    path = write_csv(inbox / "elenco.csv", [["nome", "fonte"], ["Coop Uno (fittizia)", SOURCE],
                                            ["Coop Due (fittizia)", SOURCE]])
    import_file(path, "organizations", project)
    write_csv(path, [["nome", "fonte"], ["Coop Uno (fittizia)", SOURCE]])
    result = import_file(path, "organizations", project)
    graph = parse(result.path)
    assert result.written and (iri("organization/coop-uno-fittizia"), None, None) in graph
    assert (iri("organization/coop-due-fittizia"), None, None) not in graph


# -- bad files: every error, with row and column, and data/ byte-identical -----------------------

def _impossible_date(inbox: Path) -> Path:
    return write_xlsx(inbox / "data-impossibile.xlsx", [
        ["titolo", "inizio", "fonte"],
        ["Webinar impossibile (fittizio)", "31/02/2031 18:00", SOURCE]])


def _missing_name(inbox: Path) -> Path:
    return write_csv(inbox / "senza-nome.csv", [
        ["slug", "name", "website", "source"], ["senza-nome", "", "https://example.org/", SOURCE]], ",")


def _unknown_organization(inbox: Path) -> Path:
    return write_xlsx(inbox / "persona.xlsx", [
        ["nome", "cognome", "organizzazione", "fonte"],
        ["Luca", "Esempio", "Cooperativa Inesistente (fittizia)", SOURCE]])


def _conflicting_duplicate(inbox: Path) -> Path:
    return write_csv(inbox / "duplicato.csv", [
        ["slug", "nome", "fonte"],
        ["coop-gemella", "Coop Gemella (fittizia)", SOURCE],
        ["coop-gemella", "Coop Sorella (fittizia)", SOURCE]])


def _undecodable_bytes(inbox: Path) -> Path:
    path = inbox / "byte.csv"
    path.write_bytes("nome;fonte\r\nCoop Ok (fittizia);x\r\n".encode("cp1252")
                     + b"Coop \x81 (fittizia);x\r\n")
    return path


def _empty(inbox: Path) -> Path:
    path = inbox / "vuoto.csv"
    path.write_bytes(b"")
    return path


def _empty_xlsx(inbox: Path) -> Path:
    return write_xlsx(inbox / "vuoto.xlsx", [])


def _header_only(inbox: Path) -> Path:
    return write_csv(inbox / "intestazione.csv", [["nome", "fonte"]])


def _end_before_start(inbox: Path) -> Path:
    return write_csv(inbox / "rovescio.csv", [
        ["slug", "titolo", "inizio", "fine", "fonte"],
        ["webinar-rovescio", "Webinar al contrario (fittizio)", "14/06/2031 20:00", "14/06/2031 18:00",
         SOURCE]])


def _second_english_name(inbox: Path) -> Path:
    # CISeM has an English name already; a second one breaks "one name per language" (SHACL)
    return write_csv(inbox / "nome-doppio.csv", [["slug", "nome inglese", "fonte"],
                                                 ["cisem", "Another Committee (fictional)", SOURCE]])


BAD = {
    # name: (maker, kind, [(row, column, rule)], unreadable)
    "impossible date": (_impossible_date, "events", [(2, "inizio", "type")], False),
    "missing name": (_missing_name, "organizations", [(2, "name", "required")], False),
    "unknown organization": (_unknown_organization, "people",
                             [(2, "organizzazione", "unknown-reference")], False),
    "conflicting duplicate": (_conflicting_duplicate, "organizations", [(3, "nome", "conflict")], False),
    "undecodable bytes": (_undecodable_bytes, "organizations", [(3, "nome", "encoding")], True),
    "empty": (_empty, "organizations", [(1, None, "empty")], True),
    "empty xlsx": (_empty_xlsx, "organizations", [(1, None, "empty")], True),
    "header only": (_header_only, "organizations", [(2, None, "empty")], True),
    "SHACL: end before start": (_end_before_start, "events", [(2, "inizio", "shacl")], False),
    "SHACL: second English name": (_second_english_name, "organizations",
                                   [(2, "nome inglese", "shacl")], False),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_names_row_column_and_rule_and_writes_nothing(case, project, inbox):
    maker, kind, expected, unreadable = BAD[case]
    path = maker(inbox)
    before = snapshot(project.data_dir)
    with pytest.raises(ImportFailed) as failed:
        import_file(path, kind, project)
    errors = [p for p in failed.value.problems if p.is_error]
    assert [(p.row, p.column, p.rule) for p in errors] == expected
    assert failed.value.unreadable is unreadable
    for problem in errors:
        assert problem.file == path.name
        assert problem.messages["it"] and problem.messages["en"]
    assert snapshot(project.data_dir) == before


def test_every_error_of_a_file_is_reported_in_one_run(project, inbox):
    path = write_xlsx(inbox / "molti-errori.xlsx", [
        ["slug", "nome", "tipo", "sede", "sito web", "data di fondazione", "colore", "fonte"],
        [None, "Cooperativa Errata (fittizia)", "cooperativa", "Atlantide", "www.esempio.it",
         "31/02/2021", None, SOURCE],
        ["Slug Sbagliato", None, None, None, None, None, None, None],
        ["coop-b", "Coop B (fittizia)", "coop", "Cuneo", None, "2031", None, "Fonte fittizia"],
        ["coop-b", "Coop C (fittizia)", None, None, None, None, None, "Fonte fittizia"],
    ])
    before = snapshot(project.data_dir)
    with pytest.raises(ImportFailed) as failed:
        import_file(path, "organizations", project)
    found = {(p.row, p.column, p.letter, p.rule) for p in failed.value.problems}
    assert found == {
        (1, "colore", "G", "unknown-column"),
        (2, "sede", "D", "unknown-reference"),
        (2, "sito web", "E", "type"),
        (2, "data di fondazione", "F", "type"),
        (3, "slug", "A", "type"),
        (3, "nome", "B", "required"),
        (3, "fonte", "H", "required"),
        (4, "tipo", "C", "type"),
        (5, "nome", "B", "conflict"),
    }
    by_cell = {(p.row, p.column): p for p in failed.value.problems}
    assert by_cell[(2, "data di fondazione")].value == "31/02/2021"
    assert by_cell[(2, "sede")].value == "Atlantide"
    assert snapshot(project.data_dir) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(project, inbox):
    path = inbox / "grande.csv"
    path.write_bytes(b"\x81" * 2048)  # undecodable too: only the size may be reported
    before = snapshot(project.data_dir)
    with pytest.raises(ImportFailed) as failed:
        import_file(path, "events", project.replace(import_max_bytes=1024))
    assert [(p.rule, p.value) for p in failed.value.problems] == [("too-large", "2048")]
    assert failed.value.unreadable
    assert "import_max_bytes" in failed.value.problems[0].messages["en"]
    assert snapshot(project.data_dir) == before


def test_the_default_size_limit_is_twenty_megabytes(project):
    assert project.import_max_bytes == 20_000_000
