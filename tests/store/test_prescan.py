"""The guards' pre-scan against the tokenizer: whenever the pre-scan answers, the tokenizer accepts
the same text with the same analysis (form, FROM graphs, SERVICE targets, depth).

Queries: the guard tests' own, the canned queries (``queries/*.rq``), the program's internal
queries, the benchmark's shapes, the corpus of long-running and crashing queries, texts made to
sit on the pre-scan's edges, and seeded random mutations of all of them.
"""

from __future__ import annotations

import random

import pytest
from corpus import ALL
from test_guards import GLUED_SERVICE, UPDATES, VALID

from cisem_graph import describe
from cisem_graph.config import PROJECT_ROOT
from cisem_graph.errors import CisemError
from cisem_graph.network import network_query
from cisem_graph.store.guards import analyze, analyze_tokens
from cisem_graph.store.prescan import prescan

B = "https://w3id.org/cisem/"
IRI = f"{B}id/organization/cisem"
S = "PREFIX schema: <https://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
#: (max_bytes, max_nesting, max_chain): the defaults, and tight ones that put the edges in reach
LIMITS = [(65_536, 200, 1000), (2_000, 4, 25)]

BENCH = [
    f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o }}",
    S + f"""SELECT ?event ?name ?start ?organizerName ?performerName WHERE {{
  ?event schema:performer <{B}id/person/x> ; schema:name ?name ; schema:startDate ?start ;
         schema:organizer ?org ; schema:performer ?performer .
  FILTER(lang(?name) = "it")
  ?org schema:name ?organizerName .
  FILTER(lang(?organizerName) = "it")
  ?performer schema:name ?performerName .
}} ORDER BY ?start ?performerName LIMIT 100""",
    S + """SELECT ?org (COUNT(DISTINCT ?event) AS ?events)
       (COUNT(DISTINCT ?performer) AS ?performers) WHERE {
  ?event a schema:Event ; schema:startDate ?start ; schema:organizer ?org ;
         schema:performer ?performer .
  FILTER(?start >= "2021-01-01T00:00:00"^^xsd:dateTime && ?start < "2022-01-01T00:00:00"^^xsd:dateTime)
} GROUP BY ?org ORDER BY DESC(?events) ?org LIMIT 20""",
]

INTERNAL = [
    describe.describe_query(IRI), describe.describe_query(IRI, graph=True),
    describe.describe_query(IRI, construct=True), describe.EXISTS.format(iri=IRI),
    network_query(B, 500),
]

#: Texts on the pre-scan's edges, each a way its reading could differ from the tokenizer's.
EDGES = [
    'SELECT * WHERE { ?s ?p """abc" . ?s ?p "b" }',  # a long string never closed
    "SELECT * WHERE { ?s ?p 1add }",  # a number, then the update keyword ADD
    "SELECT * WHERE { ?s ?p _add }",
    "SELECT * WHERE { ?s ?p 'x'add }",
    "SELECT * WHERE { ?s ?p ?o } \u212aill",
    "AS\u212a { ?s ?p ?o }",  # the Kelvin sign: re.IGNORECASE reads k, str.upper() does not
    "\u017fELECT * { ?s ?p ?o }",  # the long s: both read S
    "SELECT * WHERE { ?s ?p ?o } # {{{\n",
    "SELECT * WHERE { ?s ?p ?o FILTER(?v<?x#c>\n{{}}) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?v<((((?x))))&&?x>?v) }",
    "SELECT * WHERE { ?s ?p < }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < <http://e/(x>) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o <http://e/(((x>) }",
    "SELECT * WHERE { ?s ?p (<http://e/a> <http://e/b#c>) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(ex:f(?o) < <http://e/x>) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(STR(?o)<\"x\") }",
    "SELECT * WHERE { ?s ?p ?o FILTER(true<?o) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(1<?o) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (<http://e/a>, <http://e/b>)) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o=<http://e/a>) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(\"x\"@en<?o) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(\"x\"^^<http://e/t> < ?o) }",
    "SELECT * WHERE { ?s ?p ?o FILTER((?o)<(?s)) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o\n<\n?s) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o # c\n < ?s) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<=?s) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<<?s) }",
    "SELECT * WHERE { << ?s ?p ?o >> ?q ?r }",
    "SELECT * WHERE { ?s ?p ?o }\x0c",
    "SELECT * WHERE { ?s\x0c?p ?o FILTER(?o\x0c<?s) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING(COUNT(*)<3)",
    "SELECT ?x (?x<3 AS ?y) WHERE { ?s ?p ?x }",
    "SELECT * WHERE { VALUES (?x ?y) { (<http://e/a> <http://e/b>) } }",
    "SELECT * WHERE { ?s ?p ?o } VALUES ?x { <http://e/a> }",
    "PREFIX : <http://e/> SELECT * WHERE { :a :b :c }",
    "PREFIX ex:<http://e/> SELECT * WHERE { ex:a ex:b ex:c }",
    "PREFIX ex: <http://e/>SELECT * WHERE { ex:a ex:b ex:c }",
    "PREFIX ex: <http://e/> SELECT*{ex:a ex:b ex:c}",
    "select * where { ?s ?p ?o }",
    "# SELECT\nASK {}",
    "ASK",
    "DESCRIBE <http://e/a> <http://e/b>",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1 OFFSET 2",
    "SELECT * WHERE { ?s ?p ?o . FILTER NOT EXISTS { ?s ?q ?r } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } MINUS { ?s ?x ?y } }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { GRAPH<http://e/g>{ ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } # service from insert",
    "SELECT * WHERE { ?s ?p 'service' . ?s <http://e/from> ?o }",
    "SELECT ?from WHERE { ?from ?p ?o }",
    "SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "SELECT * WHERE { ?s <http://e/p>* ?o . ?s (<http://e/a>|<http://e/b>)+ ?o }",
    "SELECT * WHERE { ?s ?p \"{\" . ?s ?p '(' . ?s ?p \"\"\"[\"\"\" }",
    "SELECT * WHERE { ?s ?p '' . ?s ?p \"\" . ?s ?p '''''' }",
    "SELECT * WHERE { ?s ?p '''a''b''' }",
    'SELECT * WHERE { ?s ?p """a""""}',
    "SELECT * WHERE { ?s ?p ?o } \n#",
    "SELECT * WHERE {{{{{}}}}}",
    "SELECT * WHERE { ?s ?p ?o ] }",
    "SELECT * WHERE { ?s ?p [ ?q ?o ) }",
    "SELECT * WHERE { ?s ?p ?o",
    "SELECT * WHERE { ?s ?p 'x\n' }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o = 'x\\'') }",
]


def canned() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(
        (PROJECT_ROOT / "queries").glob("*.rq"))]


def seeds() -> list[str]:
    return VALID + UPDATES + GLUED_SERVICE + canned() + BENCH + INTERNAL + EDGES + [
        text for text in ALL.values() if len(text) < 3_000]


#: What mutations insert: brackets, quotes, comment and escape starts, keywords glued or not.
SNIPPETS = ["<", ">", "(", ")", "{", "}", "[", "]", "#", "#c\n", "\n", '"', "'", '"""', "'''",
            "\\u0041", "\\", "<<", ">>", "<=", "&&", "||", "!", "=", ".", ";", ",", "*", "+", "^^",
            " ", "\x0c", "\x00", "\ud800", "é", "\u017f", "\u212a", "SERVICE", "service:", "true",
            "SERVICE <http://e/x> {}", " FROM <http://e/g> ", "from", "add", "1add", " insert ",
            "WITH", "?add", "ex:add", "@en", "_:b", "a", "UNION {}", "FILTER(", "?a<?b",
            "<http://e/x>", "<http://e/(>", "PREFIX ex: <http://e/> ", "BASE <http://e/> ",
            "VERSION \"1.2\" ", "SELECT", "ASK", "(((((", ")))))", "{{{{{", "}}}}}", "'x'", "1"]


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        action = rng.random()
        if action < 0.6:
            text = text[:at] + rng.choice(SNIPPETS) + text[at:]
        elif action < 0.8:
            text = text[:at] + text[at + rng.randint(1, 8):]
        else:
            end = min(len(text), at + rng.randint(1, 30))
            text = text[:end] + text[at:]  # a stretch repeated
    return text


def variants() -> list[str]:
    rng = random.Random(20261205)
    base = seeds()
    return base + [mutate(rng, rng.choice(base)) for _ in range(6_000)]


def test_whenever_the_prescan_answers_the_tokenizer_agrees():
    for max_bytes, max_nesting, max_chain in LIMITS:
        accepted = answered = 0
        for text in variants():
            got = prescan(text, max_bytes=max_bytes, max_nesting=max_nesting, max_chain=max_chain)
            try:
                info = analyze_tokens(text, max_bytes=max_bytes, max_nesting=max_nesting,
                                      max_chain=max_chain)
            except CisemError as exc:
                assert got is None, f"pre-scan accepted, tokenizer refused ({exc.message}): {text!r}"
                continue
            accepted += 1
            if got is not None:
                answered += 1
                assert (info.form, info.depth, info.from_graphs, info.from_named_graphs,
                        info.services) == (*got, (), (), ()), text
        # the pre-scan answers for most of what the tokenizer accepts, or it saves little
        assert answered > accepted // 2, (answered, accepted)


@pytest.mark.parametrize("text", BENCH[:2] + INTERNAL[:4] + VALID[:3], ids=repr)
def test_typical_queries_are_proven_by_the_prescan(text):
    assert prescan(text, max_bytes=65_536, max_nesting=200, max_chain=1000) is not None


@pytest.mark.parametrize("text", canned(), ids=lambda t: t.splitlines()[0][:40])
def test_canned_queries_are_proven_by_the_prescan(text):
    assert prescan(text, max_bytes=65_536, max_nesting=200, max_chain=1000) is not None


def test_analyze_answers_as_the_tokenizer_alone():
    """``analyze`` (pre-scan first) and the tokenizer give the same analysis or the same error."""
    rng = random.Random(7)
    for text in seeds() + [mutate(rng, rng.choice(seeds())) for _ in range(1_000)]:
        outcomes = []
        for check in (analyze, analyze_tokens):
            try:
                outcomes.append(check(text, max_bytes=65_536, max_nesting=200))
            except CisemError as exc:
                outcomes.append((type(exc), exc.message, exc.details))
        assert outcomes[0] == outcomes[1], text
