"""The canned queries (``queries/*.rq``): headers, prefixes, typed parameters, and their answers.

Every file is tested on its own (a new file is picked up automatically): it has its header, uses no
hard-coded base, runs on the built graph through the store (under the shipped base and another
one) and returns rows, and binds each parameter variable in every row. The expected rows of each
query below are written from the press release (``sources/``) and the data files (``data/*.ttl``),
never from the program's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.errors import LoadError, NotFound
from cisem_graph.formats import by_name
from cisem_graph.graph.pipeline import build
from cisem_graph.queries import (
    ParameterError,
    get_query,
    load_queries,
    parse_assignments,
    parse_query,
    query_prefixes,
    with_prefixes,
)
from cisem_graph.store import open_store

BASE = "https://w3id.org/cisem/"
ID = f"{BASE}id/"
GRAPH = f"{BASE}graph/"
QUERY_FILES = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
NAMES = [path.stem for path in QUERY_FILES]
WEBINAR = f"{ID}event/impresa-sociale-di-inserimento-lavorativo"
# From the source: "Lunedì 14 giugno, dalle 18 alle 20" (2021, Europe/Rome: +02:00)
WEBINAR_START = "2021-06-14T18:00:00+02:00"

HOSTILE_IRIS = [
    "cisem> } ; DROP ALL #",
    "https://example.org/a> } ; DROP ALL #",
    '"cisem"',
    "cisem\nDROP ALL",
    "cisem\\u003e",
    "https://example.org/a b",
    "https://example.org/{x}",
    "javascript:alert(1)",
    "urn:x:cisem",
    "file:///etc/passwd",
    "../cisem",
    "Cisem",
    "organization/",
    "nokind/cisem",
    "cisem\x00",
]
HOSTILE_INTEGERS = ["20x1", "2021 ", "1e3", "2021; DROP ALL", "٢٠٢١", "", "2021.0", "0x7E5"]


class RecordingStore:
    """The real store, recording every text it is asked to prepare."""

    def __init__(self, store):
        self.store = store
        self.prepared: list[str] = []

    def prepare(self, text, *args):
        self.prepared.append(text)
        return self.store.prepare(text, *args)

    def execute(self, prepared, fmt):
        return self.store.execute(prepared, fmt)


@pytest.fixture(scope="module")
def store(settings, dist_dir):
    s = open_store(settings.replace(dist_dir=dist_dir))
    yield s
    s.close()


@pytest.fixture(scope="module")
def queries(settings):
    return {q.name: q for q in load_queries(settings)}


def select(store, text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows (variable → lexical value) of a SELECT, through prepare/execute."""
    answer = store.execute(store.prepare(text), by_name("json"))
    results = json.loads(answer.body)
    rows = [{k: v["value"] for k, v in row.items()} for row in results["results"]["bindings"]]
    return results["head"]["vars"], rows


def run(store, queries, name: str, **values) -> list[dict[str, str]]:
    return select(store, queries[name].bind(values))[1]


# -- every file -------------------------------------------------------------------------------------

def test_there_are_at_least_twelve_canned_queries(queries):
    assert len(QUERY_FILES) >= 12
    assert sorted(queries) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_header_has_titles_and_descriptions_in_both_languages(queries, name):
    query = queries[name]
    for lang in ("it", "en"):
        assert query.title[lang].strip() and query.description[lang].strip()
        assert len(query.description[lang]) > len(query.title[lang])
    assert query.title["it"] != query.title["en"]
    for parameter in query.parameters:
        assert parameter.type in ("iri", "integer", "string")
        assert parameter.description.get("it") and parameter.description.get("en")


@pytest.mark.parametrize("name", NAMES)
def test_the_project_base_is_never_written_in_a_query(name):
    body = (PROJECT_ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    assert "w3id.org" not in body and "BASE" not in body.upper().split()


@pytest.mark.parametrize("name", NAMES)
def test_every_canned_query_runs_and_returns_rows(store, queries, name):
    columns, rows = select(store, queries[name].text)
    assert columns and rows, f"{name} returned no rows"


@pytest.mark.parametrize("name", NAMES)
def test_parameter_variables_are_projected_and_bound_in_every_row(store, queries, name):
    """A trailing VALUES keeps a row whose variable is unbound: each parameter must be bound."""
    query = queries[name]
    columns, rows = select(store, query.text)
    for parameter in query.parameters:
        assert parameter.name in columns
        assert all(parameter.name in row for row in rows), f"${parameter.name} unbound in {name}"


@pytest.fixture(scope="module")
def other_base(tmp_path_factory):
    """The shipped files built under another base: the queries must follow it."""
    settings = Settings(base_iri="http://data.example.org/kg/",
                        dist_dir=tmp_path_factory.mktemp("other-base"))
    build(settings)
    s = open_store(settings)
    yield settings, s
    s.close()


@pytest.mark.parametrize("name", NAMES)
def test_every_canned_query_follows_the_configured_base(other_base, name):
    settings, s = other_base
    query = get_query(settings, name)
    assert BASE not in query.text
    _, rows = select(s, query.text)
    assert rows
    assert not any(BASE in v for row in rows for v in row.values())
    assert any(v.startswith("http://data.example.org/kg/") for row in rows for v in row.values())


# -- the answers, from the source -------------------------------------------------------------------

def test_event_speakers_with_organization_and_role(store, queries):
    # "Oltre al Presidente Alessandro Durando interverranno il prof. Carlo Borzaga, Presidente di
    # Euricse [...] e i rappresentanti della Cooperativa [...] «Il Laboratorio» [...] e della
    # [...] «Cascina Pensolato»"; Durando is "Presidente del CISeM".
    rows = run(store, queries, "event-speakers")
    found = {(r["event"], r["speaker"], r["organization"], r.get("roleName")) for r in rows}
    assert found == {
        (WEBINAR, f"{ID}person/alessandro-durando", f"{ID}organization/cisem", "Presidente"),
        (WEBINAR, f"{ID}person/carlo-borzaga", f"{ID}organization/euricse", "Presidente"),
        (WEBINAR, f"{ID}organization/il-laboratorio", f"{ID}organization/il-laboratorio", None),
        (WEBINAR, f"{ID}organization/cascina-pensolato", f"{ID}organization/cascina-pensolato",
         None),
    }
    assert {r["start"] for r in rows} == {WEBINAR_START}
    assert {r["organizationName"] for r in rows} >= {"Euricse", "Il Laboratorio",
                                                     "Cascina Pensolato"}


def test_events_of_the_series_dated_first_unknown_dates_last(store, queries):
    # Three webinars planned for 2021; only the first has a date (14 June, 18:00-20:00).
    rows = run(store, queries, "series-events")
    assert [r["series"] for r in rows] == [f"{ID}series/webinar-cisem-2021"] * 3
    assert rows[0]["event"] == WEBINAR
    assert rows[0]["start"] == WEBINAR_START and rows[0]["end"] == "2021-06-14T20:00:00+02:00"
    assert {r["event"] for r in rows[1:]} == {f"{ID}event/bilancio-delle-imprese-sociali",
                                             f"{ID}event/trenta-anni-di-cooperazione-sociale"}
    assert not any("start" in r for r in rows[1:])


def test_organizations_by_municipality_and_province(store, queries):
    # "Il Laboratorio" di Dronero, "Cascina Pensolato" di Fossano; comuni-istat gives the codes
    # and the province of Cuneo in Piemonte; the Chamber's seat is in Cuneo; Euricse's in Trento.
    rows = run(store, queries, "organizations-by-place")
    found = {r["organization"]: (r["municipality"], r.get("istat"), r.get("province"),
                                 r.get("region")) for r in rows}
    cuneo, piemonte = f"{ID}place/provincia-di-cuneo", f"{ID}place/piemonte"
    assert found == {
        f"{ID}organization/il-laboratorio": (f"{ID}place/dronero", "004082", cuneo, piemonte),
        f"{ID}organization/cascina-pensolato": (f"{ID}place/fossano", "004089", cuneo, piemonte),
        f"{ID}organization/camera-di-commercio-di-cuneo": (f"{ID}place/cuneo", "004078", cuneo,
                                                          piemonte),
        f"{ID}organization/euricse": (f"{ID}place/trento", None, None, None),
    }
    assert rows[-1]["organization"] == f"{ID}organization/euricse"  # unknown province last
    assert {r["provinceName"] for r in rows[:-1]} == {"Provincia di Cuneo"}


def test_organizations_linked_through_the_webinar(store, queries):
    # Organizer CISeM; Euricse through Borzaga; the two cooperatives as speakers.
    four = {f"{ID}organization/{s}" for s in ("cisem", "euricse", "il-laboratorio",
                                             "cascina-pensolato")}
    rows = run(store, queries, "shared-events")
    assert {(r["organization"], r["partner"]) for r in rows} == {
        (a, b) for a in four for b in four if a != b}
    assert {r["events"] for r in rows} == {"1"}
    cisem = run(store, queries, "shared-events", organization="cisem")
    assert {r["partner"] for r in cisem} == four - {f"{ID}organization/cisem"}


def test_themes_and_who_addresses_them(store, queries):
    knows = {
        "cisem": ["impresa-sociale", "microcredito", "economia-locale", "accesso-al-credito",
                  "terzo-settore", "rete-profit-non-profit", "formazione",
                  "cultura-imprenditoriale-sociale"],
        "il-laboratorio": ["inserimento-lavorativo", "cooperazione-di-inserimento-lavorativo"],
        "cascina-pensolato": ["agricoltura-sociale", "inserimento-lavorativo"],
    }
    about = {
        "series/webinar-cisem-2021": ["bilancio-delle-imprese-sociali",
                                      "cooperazione-di-inserimento-lavorativo",
                                      "cooperazione-sociale"],
        "event/impresa-sociale-di-inserimento-lavorativo": [
            "cooperazione-di-inserimento-lavorativo", "inserimento-lavorativo", "impresa-sociale",
            "politiche-attive-del-lavoro"],
        "event/bilancio-delle-imprese-sociali": ["bilancio-delle-imprese-sociali",
                                                 "impresa-sociale"],
        "event/trenta-anni-di-cooperazione-sociale": ["cooperazione-sociale"],
        "legislation/legge-381-1991": ["cooperazione-sociale"],
    }
    expected = {(f"{ID}concept/{c}", "knowsAbout", f"{ID}organization/{who}")
                for who, concepts in knows.items() for c in concepts}
    expected |= {(f"{ID}concept/{c}", "about", f"{ID}{who}")
                 for who, concepts in about.items() for c in concepts}
    rows = run(store, queries, "themes")
    assert {(r["theme"], r["relation"], r["who"]) for r in rows} == expected
    counts = {r["theme"]: int(r["addressedBy"]) for r in rows}
    assert counts[f"{ID}concept/inserimento-lavorativo"] == 3
    assert counts[f"{ID}concept/agricoltura-sociale"] == 1
    assert int(rows[0]["addressedBy"]) == max(counts.values())  # recurring themes first
    work = run(store, queries, "themes", theme="inserimento-lavorativo", relation="knowsAbout")
    assert {r["who"] for r in work} == {f"{ID}organization/il-laboratorio",
                                        f"{ID}organization/cascina-pensolato"}


def test_the_source_of_each_fact_about_cisem(store, queries):
    rows = run(store, queries, "fact-sources", thing="organization/cisem")
    assert {r["thing"] for r in rows} == {f"{ID}organization/cisem"}
    parent = {r["graph"] for r in rows if r["property"] == "https://schema.org/parentOrganization"}
    # stated by the press release and confirmed by targatocn.it's report of 17 June 2021
    assert parent == {f"{GRAPH}press-release-2021-06-10", f"{GRAPH}targatocn-2021-06-17"}
    old_name = [r for r in rows if r["value"] ==
                "Comitato per l'Imprenditorialità Sociale e il Microcredito"]
    assert [(r["graph"], r["source"], r["issued"]) for r in old_name] == [
        (f"{GRAPH}ideawebtv-2015-08-04",
         "https://ideawebtv.it/2015/08/04/bando-di-concorso-cisem-sul-bilancio-sociale",
         "2015-08-04")]


def test_labels_missing_a_language(store, queries):
    expected = {(f"{ID}organization/cisem", "https://schema.org/alternateName", "en"),
                (f"{ID}organization/il-laboratorio", "https://schema.org/alternateName", "en"),
                (f"{ID}organization/cascina-pensolato", "https://schema.org/alternateName", "en"),
                (f"{ID}quotation/durando-lavoro-porta-cittadinanza-sociale",
                 "https://schema.org/text", "en")}
    rows = run(store, queries, "labels-missing-language")
    assert {(r["thing"], r["property"], r["missing"]) for r in rows} == expected
    assert run(store, queries, "labels-missing-language", missing="it") == []
    assert len(run(store, queries, "labels-missing-language", missing="en")) == 4


def test_people_and_their_roles_with_dates_where_known(store, queries):
    # Euricse's page: Borzaga was President from 2008 to 2022; Durando's term is not known.
    rows = run(store, queries, "people-roles")
    assert {(r["person"], r["roleName"], r["organization"], r.get("start"), r.get("end"))
            for r in rows} == {
        (f"{ID}person/alessandro-durando", "Presidente", f"{ID}organization/cisem", None, None),
        (f"{ID}person/carlo-borzaga", "Presidente", f"{ID}organization/euricse", "2008", "2022"),
        (f"{ID}person/carlo-borzaga", "Direttore scientifico", f"{ID}periodical/impresa-sociale",
         None, None),
    }


@pytest.mark.parametrize("value", ["cisem", "organization/cisem", f"{ID}organization/cisem"])
def test_an_iri_parameter_takes_a_slug_a_kind_and_slug_or_the_iri(store, queries, value):
    rows = run(store, queries, "people-roles", organization=value)
    assert [(r["person"], r["organization"]) for r in rows] == [
        (f"{ID}person/alessandro-durando", f"{ID}organization/cisem")]


def test_several_values_and_several_parameters(store, queries):
    both = run(store, queries, "people-roles", organization=["cisem", "euricse"])
    assert {r["person"] for r in both} == {f"{ID}person/alessandro-durando",
                                           f"{ID}person/carlo-borzaga"}
    one = run(store, queries, "people-roles", person="carlo-borzaga", organization="euricse")
    assert [(r["roleName"], r["start"]) for r in one] == [("Presidente", "2008")]


def test_the_committee_and_its_parent(store, queries):
    [row] = run(store, queries, "committee-and-parent")
    assert row["committee"] == f"{ID}organization/cisem"
    assert row["parent"] == f"{ID}organization/camera-di-commercio-di-cuneo"
    assert row["parentFounded"] == "1862-10-05"  # royal decree of 5 October 1862
    assert row["parentUrl"] == "https://www.cn.camcom.it/"
    assert set(row["sources"].split()) == {f"{GRAPH}press-release-2021-06-10",
                                           f"{GRAPH}targatocn-2021-06-17"}
    assert {"CISeM", "Comitato per l'Imprenditorialità Sociale e il Microcredito"} <= set(
        row["alternateNames"].split(" | "))
    assert row["members"] == "Alessandro Durando (Presidente)"


def test_periodicals_and_their_editors(store, queries):
    # "Direttore scientifico della rivista «Impresa sociale»"; ISSN 2282-1694, Iris Network.
    rows = run(store, queries, "periodicals-editors")
    assert [(r["periodical"], r["issn"], r["publisher"], r["editor"], r["roleName"])
            for r in rows] == [(f"{ID}periodical/impresa-sociale", "2282-1694",
                                f"{ID}organization/iris-network", f"{ID}person/carlo-borzaga",
                                "Direttore scientifico")]


def test_places_and_their_identifiers(store, queries):
    expected = {
        ("cuneo", "ISTAT", "004078"), ("cuneo", "codice-catastale", "D205"),
        ("cuneo", "CAP", "12100"), ("dronero", "ISTAT", "004082"),
        ("dronero", "codice-catastale", "D372"), ("dronero", "CAP", "12025"),
        ("fossano", "ISTAT", "004089"), ("fossano", "codice-catastale", "D742"),
        ("fossano", "CAP", "12045"), ("provincia-di-cuneo", "ISTAT-provincia", "004"),
        ("provincia-di-cuneo", "sigla-provincia", "CN"), ("piemonte", "ISTAT-regione", "01"),
        ("piemonte", "Wikidata", "http://www.wikidata.org/entity/Q1216"),
        ("italia", "Wikidata", "http://www.wikidata.org/entity/Q38"),
    }
    rows = run(store, queries, "places-identifiers")
    assert {(r["place"].removeprefix(f"{ID}place/"), r["scheme"], r["code"]) for r in rows} == \
        expected
    istat = run(store, queries, "places-identifiers", scheme="ISTAT")
    assert {r["code"] for r in istat} == {"004078", "004082", "004089"}


def test_the_quotation_and_who_said_it(store, queries):
    source = (PROJECT_ROOT / "sources" / "press-release-2021-06-cisem-webinar.it.txt").read_text(
        encoding="utf-8")
    [row] = run(store, queries, "quotations")
    assert row["speaker"] == f"{ID}person/alessandro-durando"
    first = "Il lavoro è la porta della cittadinanza sociale, per tutti, tanto più per le persone " \
            "in difficoltà."
    assert row["text"].startswith(first) and first in source
    assert "Presidente" in row["roles"]
    assert row["article"] == f"{ID}article/comunicato-stampa-webinar-cisem-2021-06-14"
    assert row["about"] == WEBINAR


def test_what_each_named_graph_contributes(store, queries):
    """Each data file is one named graph: the count is the file's triples, read by rdflib."""
    rows = {r["graph"]: r for r in run(store, queries, "graph-contributions")}
    for path in sorted((PROJECT_ROOT / "data").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle", publicID=BASE)
        assert int(rows[f"{GRAPH}{path.stem}"]["triples"]) == len(graph), path.name
    ontology = Graph()
    for path in (PROJECT_ROOT / "ontology").glob("*.ttl"):
        ontology.parse(path, format="turtle", publicID=BASE)
    assert int(rows[f"{GRAPH}ontology"]["triples"]) == len(ontology)
    assert rows[f"{GRAPH}comuni-istat"]["issued"] == "2020-02-13"
    assert int(rows[f"{GRAPH}press-release-2021-06-10"]["things"]) == 17
    [one] = run(store, queries, "graph-contributions", graph="comuni-istat")
    assert one["graph"] == f"{GRAPH}comuni-istat"


def test_timeline_of_the_known_dates(store, queries):
    rows = run(store, queries, "timeline")
    found = [(int(r["year"]), r["date"], r["thing"].removeprefix(ID),
              r["what"].removeprefix("https://schema.org/")) for r in rows]
    assert sorted(found) == sorted([
        (1862, "1862-10-05", "organization/camera-di-commercio-di-cuneo", "foundingDate"),
        (1991, "1991-11-08", "legislation/legge-381-1991", "legislationDate"),
        (1991, "1991-12-03", "legislation/legge-381-1991", "datePublished"),
        (2008, "2008", "organization/euricse", "foundingDate"),
        (2008, "2008", "role/borzaga-presidente-euricse", "startDate"),
        (2017, "2017-04-23", "organization/cascina-pensolato", "foundingDate"),
        (2021, WEBINAR_START, "event/impresa-sociale-di-inserimento-lavorativo", "startDate"),
        (2021, "2021-06-14T20:00:00+02:00", "event/impresa-sociale-di-inserimento-lavorativo",
         "endDate"),
        (2022, "2022", "role/borzaga-presidente-euricse", "endDate"),
    ])
    assert [y for y, *_ in found] == sorted(y for y, *_ in found)
    for year in ("2021", "+2021", "02021"):
        assert {r["date"] for r in run(store, queries, "timeline", year=year)} == {
            WEBINAR_START, "2021-06-14T20:00:00+02:00"}


# -- parameters are values, never text --------------------------------------------------------------

@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_a_hostile_iri_value_is_refused_before_any_query_is_prepared(store, queries, value):
    recording = RecordingStore(store)
    with pytest.raises(ParameterError) as caught:
        recording.prepare(queries["people-roles"].bind({"organization": value}))
    assert "organization" in caught.value.message and caught.value.status == 400
    assert recording.prepared == []
    # the control: the same query with a harmless value answers as before
    rows = select(recording, queries["people-roles"].bind({"organization": "cisem"}))[1]
    assert [r["person"] for r in rows] == [f"{ID}person/alessandro-durando"]
    # the value is bound first in the WHERE clause, so the engine starts from it
    assert recording.prepared == [queries["people-roles"].text.replace(
        "WHERE {", f"WHERE {{\n  VALUES ?organization {{ <{ID}organization/cisem> }}", 1)]


@pytest.mark.parametrize("value", HOSTILE_INTEGERS)
def test_an_integer_parameter_takes_only_digits(queries, value):
    with pytest.raises(ParameterError, match="year"):
        queries["timeline"].bind({"year": value})


@pytest.mark.parametrize("value", [
    'ISTAT" } ; DROP ALL #',
    "ISTAT\" . } UNION { ?s ?p ?o } #",
    "\\u0022 } #",
    "\\\\u0022 \\",
    "l'Imprenditorialità «sociale» {}|^`<>",
])
def test_a_hostile_string_value_stays_one_literal(store, queries, value):
    """A string is written as an escaped literal: the query keeps its shape and finds no code."""
    query = queries["places-identifiers"]
    text = query.bind({"scheme": value})
    assert text.startswith(query.text.rstrip() + "\nVALUES ?scheme { \"")
    assert text.count("\n") == query.text.rstrip().count("\n") + 2
    assert select(store, text)[1] == []
    # the value reaches the engine as data, character for character
    echo = parse_query("# param: $text string — any text\nSELECT ?text WHERE {}\n", "echo", BASE,
                       strict=False)
    assert select(store, echo.bind({"text": value}))[1] == [{"text": value}]


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x85b"])
def test_a_string_value_may_not_hold_control_characters(queries, value):
    with pytest.raises(ParameterError, match="control"):
        queries["places-identifiers"].bind({"scheme": value})


def test_unknown_parameters_are_refused(queries):
    with pytest.raises(ParameterError, match="no parameter by that name"):
        queries["people-roles"].bind({"bogus": "x"})


def test_too_many_values_are_refused(queries):
    with pytest.raises(ParameterError, match="at most"):
        queries["people-roles"].bind({"organization": [f"o{i}" for i in range(21)]})


def test_parse_assignments():
    assert parse_assignments(["organization=cisem", "organization=euricse", "year=a=b"]) == {
        "organization": ["cisem", "euricse"], "year": ["a=b"]}
    with pytest.raises(ParameterError):
        parse_assignments(["organization"])


# -- prefixes and headers ---------------------------------------------------------------------------

def test_prefixes_come_from_the_base_and_only_the_used_ones_are_declared():
    body = 'PREFIX schema: <http://schema.org/>\nSELECT * WHERE { ?s schema:name "a:b" ; ' \
           "org:unitOf organization:cisem }  # event:x in a comment\n"
    text = with_prefixes(body, "http://example.org/kg/")
    assert text.splitlines()[:2] == ["PREFIX org: <http://www.w3.org/ns/org#>",
                                     "PREFIX organization: <http://example.org/kg/id/organization/>"]
    assert text.endswith(body)
    assert query_prefixes("http://example.org/kg/")["id"] == "http://example.org/kg/id/"


def test_a_header_without_its_english_title_names_the_file(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title@it: Solo italiano\n# description@it: x\n# description@en: x\n"
                    "SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(LoadError) as caught:
        parse_query(path.read_text(), "broken", BASE, path=path)
    assert "broken.rq" in caught.value.message and "title@en" in caught.value.message


def test_a_parameter_of_an_unknown_type_is_refused():
    with pytest.raises(LoadError, match="unknown type"):
        parse_query("# param: $x date — a date\nSELECT * WHERE {}\n", "x", BASE, strict=False)


def test_an_unknown_name_is_not_found(settings):
    with pytest.raises(NotFound) as caught:
        get_query(settings, "no-such-query")
    assert "event-speakers" in caught.value.message


def test_a_query_file_named_outside_the_url_rules_is_refused(tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "Bad Name.rq").write_text("SELECT * WHERE {}\n")
    with pytest.raises(LoadError, match="file name"):
        load_queries(Settings(root=Path(tmp_path)))
