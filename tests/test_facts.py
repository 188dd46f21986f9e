"""The facts of the sources, asked as a researcher would ask them, with SPARQL over the dataset.

Expected values are written here from the source texts (the press release, and the rows of the
domain brief marked verified), never read back from the program. Each question runs over the
union of the named graphs; the provenance questions ask in which graph a fact lives.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from cisem_graph.namespaces import project_prefixes

SCHEMA = "https://schema.org/"
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
WEBINAR = "event/impresa-sociale-di-inserimento-lavorativo"
UNSCHEDULED = ("event/bilancio-delle-imprese-sociali", "event/trenta-anni-di-cooperazione-sociale")
QUOTATION = "quotation/durando-lavoro-porta-cittadinanza-sociale"
ARTICLE = "article/comunicato-stampa-webinar-cisem-2021-06-14"


@pytest.fixture(scope="module")
def iri(settings):
    """`iri("organization/cisem")` is the thing's IRI under the configured base."""
    return lambda path: URIRef(f"{settings.base_iri}id/{path}")


@pytest.fixture(scope="module")
def graph_iri(settings):
    return lambda name: URIRef(f"{settings.base_iri}graph/{name}")


@pytest.fixture(scope="module")
def ask(sources, settings):
    """Run a SELECT over the union of the named graphs: a list of rows (tuples)."""
    prefixes = project_prefixes(settings.base_iri)

    def run(query: str, **bindings) -> list[tuple]:
        return [tuple(row) for row in sources.rdflib_dataset.query(
            query, initNs=prefixes, initBindings=bindings)]

    return run


def values(ask, subject, prop: str) -> set:
    return {row[0] for row in ask("SELECT ?v WHERE { ?s ?p ?v }", s=subject,
                                  p=URIRef(SCHEMA + prop))}


# -- the webinar of 14 June 2021 -----------------------------------------------------------------

@pytest.mark.parametrize(("prop", "lexical", "hour"), [
    ("startDate", "2021-06-14T18:00:00+02:00", 18),  # "Lunedì 14 giugno, dalle 18 ..."
    ("endDate", "2021-06-14T20:00:00+02:00", 20),  # "... alle 20"
])
def test_webinar_date_time_and_offset(ask, iri, prop, lexical, hour):
    [value] = values(ask, iri(WEBINAR), prop)
    assert value.datatype == XSD.dateTime
    assert str(value) == lexical
    moment = value.toPython()
    assert moment.utcoffset() == dt.timedelta(hours=2)  # Europe/Rome in June: CEST
    assert (moment.date(), moment.hour, moment.minute) == (dt.date(2021, 6, 14), hour, 0)
    assert moment.weekday() == 0  # "Lunedì"


def test_webinar_title_is_the_source_title(ask, iri):
    names = values(ask, iri(WEBINAR), "name")
    # The source writes "L’ impresa ...": the stray space after the apostrophe is dropped.
    assert Literal("L’impresa sociale di inserimento lavorativo: Opportunità da valorizzare",
                   lang="it") in names
    assert {n.language for n in names} == {"it", "en"}


def test_webinar_speakers_are_the_four_of_the_source(ask, iri):
    assert values(ask, iri(WEBINAR), "performer") == {
        iri("person/alessandro-durando"), iri("person/carlo-borzaga"),
        iri("organization/il-laboratorio"), iri("organization/cascina-pensolato")}


def test_webinar_is_organized_by_cisem_in_the_2021_series(ask, iri):
    assert values(ask, iri(WEBINAR), "organizer") == {iri("organization/cisem")}
    assert values(ask, iri(WEBINAR), "superEvent") == {iri("series/webinar-cisem-2021")}


def test_webinar_is_online_scheduled_and_in_italian(ask, iri):
    webinar = iri(WEBINAR)
    assert values(ask, webinar, "eventAttendanceMode") == {
        URIRef(SCHEMA + "OnlineEventAttendanceMode")}
    assert values(ask, webinar, "eventStatus") == {URIRef(SCHEMA + "EventScheduled")}
    assert values(ask, webinar, "inLanguage") == {Literal("it")}


def test_webinar_took_place_on_zoom_with_no_link_invented(ask, iri):
    rows = ask("""SELECT ?name ?url WHERE {
        ?event schema:location ?place . ?place a schema:VirtualLocation ; schema:name ?name .
        OPTIONAL { ?place schema:url ?url } }""", event=iri(WEBINAR))
    assert rows == [(Literal("Zoom"), None)]


def test_series_has_the_three_webinars_and_cisem_organizes_it(ask, iri):
    series = iri("series/webinar-cisem-2021")
    assert values(ask, series, "subEvent") == {iri(WEBINAR), *(iri(e) for e in UNSCHEDULED)}
    assert values(ask, series, "organizer") == {iri("organization/cisem")}
    for event in UNSCHEDULED:
        assert values(ask, iri(event), "superEvent") == {series}


@pytest.mark.parametrize("event", UNSCHEDULED)
@pytest.mark.parametrize("prop", ["startDate", "endDate", "performer", "location",
                                  "eventAttendanceMode", "eventStatus", "position"])
def test_the_other_two_webinars_have_only_a_theme(ask, iri, event, prop):
    """The source gives them no date, time, speaker, place or order: none is invented."""
    assert values(ask, iri(event), prop) == set()


@pytest.mark.parametrize(("event", "theme"), [
    ("event/bilancio-delle-imprese-sociali", "concept/bilancio-delle-imprese-sociali"),
    ("event/trenta-anni-di-cooperazione-sociale", "concept/cooperazione-sociale"),
    (WEBINAR, "concept/cooperazione-di-inserimento-lavorativo"),
])
def test_each_webinar_is_about_its_theme(ask, iri, event, theme):
    assert iri(theme) in values(ask, iri(event), "about")


# -- who is who ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("person", "org", "role_it", "role_en"), [
    ("alessandro-durando", "cisem", "Presidente", "President"),
    ("carlo-borzaga", "euricse", "Presidente", "President"),
])
def test_who_presides_what(ask, iri, person, org, role_it, role_en):
    rows = ask("""SELECT ?it ?en WHERE {
        ?org schema:member ?role .
        ?role a schema:OrganizationRole ; schema:member ?person ; schema:memberOf ?org ;
              schema:roleName ?it, ?en .
        ?person schema:memberOf ?role .
        ?role org:member ?person ; org:organization ?org .
        FILTER (lang(?it) = "it" && lang(?en) = "en") }""",
               person=iri(f"person/{person}"), org=iri(f"organization/{org}"))
    assert rows == [(Literal(role_it, lang="it"), Literal(role_en, lang="en"))]


def test_borzaga_is_scientific_director_of_impresa_sociale(ask, iri):
    rows = ask("""SELECT ?role ?it WHERE {
        ?journal schema:editor ?role . ?role a schema:Role ; schema:editor ?person ;
            schema:roleName ?it . FILTER (lang(?it) = "it") }""",
               journal=iri("periodical/impresa-sociale"), person=iri("person/carlo-borzaga"))
    assert rows == [(iri("role/borzaga-direttore-scientifico-impresa-sociale"),
                     Literal("Direttore scientifico", lang="it"))]


def test_borzaga_presided_euricse_from_2008_to_2022(ask, iri):
    role = iri("role/borzaga-presidente-euricse")
    assert values(ask, role, "startDate") == {Literal("2008", datatype=XSD.gYear)}
    assert values(ask, role, "endDate") == {Literal("2022", datatype=XSD.gYear)}


def test_durando_term_dates_are_not_invented(ask, iri):
    role = iri("role/durando-presidente-cisem")
    assert values(ask, role, "startDate") == values(ask, role, "endDate") == set()


def test_cisem_is_a_committee_of_the_chamber(ask, iri, settings):
    cisem, chamber = iri("organization/cisem"), iri("organization/camera-di-commercio-di-cuneo")
    assert values(ask, cisem, "parentOrganization") == {chamber}
    assert values(ask, chamber, "subOrganization") == {cisem}
    assert ask("SELECT ?c WHERE { ?c org:unitOf ?ch ; a ?committee }", c=cisem, ch=chamber,
               committee=URIRef(settings.base_iri + "ontology#Committee")) == [(cisem,)]


def test_cisem_names_then_and_now(ask, iri):
    cisem = iri("organization/cisem")
    assert Literal("Comitato Imprenditorialità Sociale E Microcredito", lang="it") in values(
        ask, cisem, "name")
    assert {str(n) for n in values(ask, cisem, "alternateName")} == {
        "CISeM", "Comitato per l'Imprenditorialità Sociale e il Microcredito"}


# -- where things are ----------------------------------------------------------------------------

@pytest.mark.parametrize(("coop", "town"), [
    ("il-laboratorio", "dronero"),
    ("cascina-pensolato", "fossano"),
])
def test_where_each_cooperative_is(ask, iri, coop, town):
    assert values(ask, iri(f"organization/{coop}"), "location") == {iri(f"place/{town}")}


def test_cooperatives_in_the_province_of_cuneo(ask, iri):
    rows = ask("""SELECT DISTINCT ?coop WHERE {
        ?coop a schema:Cooperative ; schema:location/schema:containedInPlace+ ?province }""",
               province=iri("place/provincia-di-cuneo"))
    assert {row[0] for row in rows} == {iri("organization/il-laboratorio"),
                                        iri("organization/cascina-pensolato")}


def test_places_nest_from_comune_to_italy(ask, iri):
    rows = ask("""SELECT ?town WHERE { ?town a schema:City ;
        schema:containedInPlace/schema:containedInPlace/schema:containedInPlace ?italy .
        ?italy a schema:Country }""", italy=iri("place/italia"))
    assert {row[0] for row in rows} == {iri("place/cuneo"), iri("place/dronero"),
                                        iri("place/fossano")}


@pytest.mark.parametrize(("place", "scheme", "code"), [
    ("cuneo", "ISTAT", "004078"),
    ("dronero", "ISTAT", "004082"),
    ("fossano", "ISTAT", "004089"),
    ("cuneo", "codice-catastale", "D205"),
    ("dronero", "codice-catastale", "D372"),
    ("fossano", "codice-catastale", "D742"),
    ("cuneo", "CAP", "12100"),
    ("dronero", "CAP", "12025"),
    ("fossano", "CAP", "12045"),
    ("provincia-di-cuneo", "ISTAT-provincia", "004"),
    ("piemonte", "ISTAT-regione", "01"),
])
def test_codes_are_strings_with_their_leading_zeros(ask, iri, place, scheme, code):
    rows = ask("""SELECT ?code WHERE { ?place schema:identifier ?id .
        ?id a schema:PropertyValue ; schema:propertyID ?scheme ; schema:value ?code }""",
               place=iri(f"place/{place}"), scheme=Literal(scheme))
    assert rows == [(Literal(code),)]
    assert rows[0][0].datatype in (None, XSD.string)


def test_the_chamber_seat_has_no_invented_house_number(ask, iri):
    rows = ask("""SELECT ?street ?town ?country WHERE { ?chamber schema:address ?a .
        ?a schema:streetAddress ?street ; schema:addressLocality ?town ;
           schema:addressCountry ?country }""",
               chamber=iri("organization/camera-di-commercio-di-cuneo"))
    assert rows == [(Literal("Via Emanuele Filiberto"), Literal("Cuneo"), Literal("IT"))]
    assert not ask("SELECT ?c WHERE { ?chamber schema:address/schema:postalCode ?c }",
                   chamber=iri("organization/camera-di-commercio-di-cuneo"))


# -- organizations, journal, law -----------------------------------------------------------------

def test_chamber_facts(ask, iri):
    chamber = iri("organization/camera-di-commercio-di-cuneo")
    assert values(ask, chamber, "url") == {URIRef("https://www.cn.camcom.it/")}
    assert values(ask, chamber, "foundingDate") == {Literal("1862-10-05", datatype=XSD.date)}
    assert values(ask, chamber, "areaServed") == {iri("place/provincia-di-cuneo")}
    assert URIRef(SCHEMA + "GovernmentOrganization") in values_of_type(ask, chamber)


def values_of_type(ask, subject) -> set:
    return {row[0] for row in ask("SELECT ?t WHERE { ?s a ?t }", s=subject)}


def test_euricse_facts(ask, iri):
    euricse = iri("organization/euricse")
    assert values(ask, euricse, "url") == {URIRef("https://euricse.eu/")}
    assert values(ask, euricse, "foundingDate") == {Literal("2008", datatype=XSD.gYear)}
    assert values(ask, euricse, "location") == {iri("place/trento")}
    assert values(ask, euricse, "alternateName") == {
        Literal("European Research Institute on Cooperative and Social Enterprises", lang="en"),
        Literal("Istituto europeo di ricerca sull'impresa cooperativa e sociale", lang="it")}


def test_impresa_sociale_journal(ask, iri):
    journal = iri("periodical/impresa-sociale")
    assert values(ask, journal, "issn") == {Literal("2282-1694")}
    assert values(ask, journal, "url") == {URIRef("https://www.rivistaimpresasociale.it/")}
    assert values(ask, journal, "publisher") == {iri("organization/iris-network")}
    assert URIRef(SCHEMA + "Periodical") in values_of_type(ask, journal)


def test_law_381_1991(ask, iri):
    law = iri("legislation/legge-381-1991")
    assert values(ask, law, "legislationDate") == {Literal("1991-11-08", datatype=XSD.date)}
    assert values(ask, law, "datePublished") == {Literal("1991-12-03", datatype=XSD.date)}
    assert values(ask, law, "legislationJurisdiction") == {iri("place/italia")}
    # the URN:NIR is only derived from a pattern: it is not published as an identifier
    assert values(ask, law, "legislationIdentifier") == values(ask, law, "identifier") == set()


def test_il_laboratorio_is_a_social_cooperative_cascina_pensolato_is_not_claimed_to_be(ask, iri,
                                                                                      settings):
    it_coop = URIRef(SCHEMA + "ITCooperativeCharity")
    assert values(ask, iri("organization/il-laboratorio"), "nonprofitStatus") == {it_coop}
    pensolato = iri("organization/cascina-pensolato")
    assert values(ask, pensolato, "nonprofitStatus") == set()
    types = values_of_type(ask, pensolato)
    assert URIRef(settings.base_iri + "ontology#WorkIntegrationSocialCooperative") not in types
    assert URIRef(settings.base_iri + "ontology#SocialFarmingCooperative") in types
    assert values(ask, pensolato, "foundingDate") == {Literal("2017-04-23", datatype=XSD.date)}


# -- the press release and the quotation ---------------------------------------------------------

def test_quotation_is_durandos_words_from_the_release(ask, iri):
    [(text, creator, article)] = ask("""SELECT ?text ?creator ?article WHERE {
        ?q a schema:Quotation ; schema:text ?text ; schema:creator ?creator ;
           schema:isPartOf ?article . ?article schema:hasPart ?q }""", q=iri(QUOTATION))
    assert (creator, article) == (iri("person/alessandro-durando"), iri(ARTICLE))
    assert text.language == "it"
    assert text.startswith("Il lavoro è la porta della cittadinanza sociale, per tutti, "
                           "tanto più per le persone in difficoltà.")
    assert text.endswith("ci auguriamo che sia l’inizio di un lavoro che possa portare "
                         "molti frutti")
    # the two quoted parts, joined without the attribution between them
    assert "l’ingresso al lavoro delle persone svantaggiate. La nostra provincia può vantare" in text
    for aside in ("evidenzia", "Presidente del CISeM", "Durando", "“", "”", '"', " -"):
        assert aside not in text


def test_release_is_a_press_release_about_the_event_with_no_invented_date(ask, iri):
    article = iri(ARTICLE)
    assert Literal("comunicato stampa", lang="it") in values(ask, article, "genre")
    assert {iri(WEBINAR), iri("series/webinar-cisem-2021")} <= values(ask, article, "about")
    assert values(ask, article, "datePublished") == set()
    assert values(ask, article, "author") == values(ask, article, "publisher") == set()
    assert {iri("person/alessandro-durando"), iri("person/carlo-borzaga"),
            iri("organization/cisem"), iri("organization/euricse"),
            iri("organization/il-laboratorio"), iri("organization/cascina-pensolato")} <= values(
        ask, article, "mentions")


# -- labels, links and provenance ----------------------------------------------------------------

THINGS = (
    "organization/camera-di-commercio-di-cuneo", "organization/cisem", "organization/euricse",
    "organization/il-laboratorio", "organization/cascina-pensolato",
    "organization/iris-network", "organization/universita-di-trento",
    "periodical/impresa-sociale", "person/alessandro-durando", "person/carlo-borzaga",
    "place/cuneo", "place/dronero", "place/fossano", "place/provincia-di-cuneo",
    "place/piemonte", "place/italia", "place/trento", "series/webinar-cisem-2021", WEBINAR,
    *UNSCHEDULED, ARTICLE, QUOTATION, "role/durando-presidente-cisem",
    "role/borzaga-presidente-euricse", "role/borzaga-direttore-scientifico-impresa-sociale",
    "legislation/legge-381-1991", "concept/inserimento-lavorativo", "concept/microcredito",
)


@pytest.mark.parametrize("thing", THINGS)
def test_every_thing_is_named_in_italian_and_english(ask, iri, thing):
    names = values(ask, iri(thing), "name")
    assert sorted(n.language for n in names) == ["en", "it"], names


def test_no_page_without_bilingual_name(ask, settings):
    rows = ask("""SELECT DISTINCT ?s WHERE { ?s a ?t .
        FILTER (STRSTARTS(STR(?s), ?root))
        FILTER (NOT EXISTS { ?s schema:name ?it . FILTER (lang(?it) = "it") }
             || NOT EXISTS { ?s schema:name ?en . FILTER (lang(?en) = "en") }) }""",
               root=Literal(settings.base_iri + "id/"))
    assert rows == []


def test_same_as_only_for_the_verified_wikidata_rows(ask, iri):
    rows = ask("SELECT ?s ?o WHERE { ?s schema:sameAs ?o }")
    assert set(rows) == {
        (iri("place/italia"), URIRef("http://www.wikidata.org/entity/Q38")),
        (iri("place/piemonte"), URIRef("http://www.wikidata.org/entity/Q1216"))}
    assert ask("SELECT ?s WHERE { ?s owl:sameAs ?o }") == []


FACT_GRAPHS = {
    # graph name: a question answered by that graph alone
    "press-release-2021-06-10": "ASK { ?e schema:startDate ?d ; schema:performer ?p }",
    "targatocn-2021-06-17": "ASK { ?e schema:location/schema:name \"Zoom\" }",
    "camera-di-commercio-cuneo": "ASK { ?c schema:foundingDate \"1862-10-05\"^^xsd:date }",
    "targatocn-2023-01-20": "ASK { ?c schema:address/schema:streetAddress ?s }",
    "ideawebtv-2015-08-04": "ASK { ?c schema:alternateName ?n }",
    "comuni-istat": "ASK { ?p schema:identifier/schema:value \"004078\" }",
    "wikidata-luoghi": "ASK { ?p schema:sameAs ?q }",
    "euricse-carlo-borzaga": "ASK { ?r schema:startDate \"2008\"^^xsd:gYear }",
    "provincia-trento-euricse-2014": "ASK { ?e schema:foundingDate \"2008\"^^xsd:gYear }",
    "cooperazionetrentina-euricse": "ASK { ?e schema:alternateName ?n }",
    "impresa-sociale": "ASK { ?j schema:issn \"2282-1694\" }",
    "pensolato": "ASK { ?c schema:url <https://www.pensolato.it/> }",
    "lafedelta-2017-09-19": "ASK { ?c schema:foundingDate \"2017-04-23\"^^xsd:date }",
    "legge-381-1991": "ASK { ?l schema:legislationDate \"1991-11-08\"^^xsd:date }",
}


@pytest.mark.parametrize("name", FACT_GRAPHS)
def test_each_fact_lives_in_the_graph_of_its_source(sources, settings, graph_iri, name):
    graph = sources.rdflib_dataset.graph(graph_iri(name))
    answer = graph.query(FACT_GRAPHS[name], initNs=project_prefixes(settings.base_iri))
    assert answer.askAnswer


def test_the_release_graph_holds_no_fact_of_other_sources(sources, graph_iri):
    release = sources.rdflib_dataset.graph(graph_iri("press-release-2021-06-10"))
    for prop in ("issn", "url", "foundingDate", "sameAs", "identifier", "location"):
        objects = set(release.objects(None, URIRef(SCHEMA + prop)))
        if prop == "location":  # the release places the cooperatives, not the webinar
            assert all(isinstance(o, URIRef) and "/id/place/" in o for o in objects)
        else:
            assert objects == set(), prop


@pytest.mark.parametrize("name", sorted(FACT_GRAPHS))
def test_each_graph_describes_its_own_provenance(sources, graph_iri, name):
    iri = graph_iri(name)
    graph = sources.rdflib_dataset.graph(iri)
    dct = "http://purl.org/dc/terms/"
    assert (iri, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/ns/prov#Entity")) in graph
    assert list(graph.objects(iri, URIRef(dct + "source")))
    assert set(graph.objects(iri, URIRef(dct + "license"))) == {CC_BY}
    assert {t.language for t in graph.objects(iri, URIRef(dct + "title"))} == {"it", "en"}


def test_every_data_file_is_a_described_graph(sources, settings):
    names = {path.stem for path in sources.graph_files.values()
             if path.parent.resolve() == settings.data_dir.resolve()}
    assert names == set(FACT_GRAPHS)


@pytest.mark.parametrize(("name", "issued"), [
    ("press-release-2021-06-10", "2021-06-10"),
    ("targatocn-2021-06-17", "2021-06-17"),
    ("targatocn-2023-01-20", "2023-01-20"),
    ("ideawebtv-2015-08-04", "2015-08-04"),
    ("lafedelta-2017-09-19", "2017-09-19"),
])
def test_source_dates(sources, graph_iri, name, issued):
    iri = graph_iri(name)
    graph = sources.rdflib_dataset.graph(iri)
    assert set(graph.objects(iri, URIRef("http://purl.org/dc/terms/issued"))) == {
        Literal(issued, datatype=XSD.date)}
