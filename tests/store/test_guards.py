"""The text guards: form, updates, SERVICE, FROM, nesting, chains, size and malformed text."""

from __future__ import annotations

import http.server
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyoxigraph
import pytest
from corpus import CHAINS, DEEP

from cisem_graph.errors import PayloadTooLarge, QueryError, QueryRefused
from cisem_graph.store.guards import MAX_CHAIN, analyze

LIMITS = {"max_bytes": 65_536, "max_nesting": 200}
P = "PREFIX ex: <http://example.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
SPO = "{ ?s ?p ?o }"


def check(text: str, **limits):
    return analyze(text, **{**LIMITS, **limits})


def rejected(text: str, error: type[QueryError] = QueryError, **limits) -> QueryError:
    with pytest.raises(error) as caught:
        check(text, **limits)
    assert caught.type is error
    return caught.value


#: Queries real clients send; the guard and pyoxigraph must both accept every one.
VALID = [
    "SELECT * WHERE{ ?s ?p ?o }",  # SPARQLWrapper's default query
    "SELECT * WHERE { ?s <http://e/p> ?o . ?s a ?type } LIMIT 10",
    "SELECT ?x WHERE { ?x ?p ?v FILTER(?v < 3) }",
    "SELECT ?x WHERE { ?x ?p ?v FILTER(?v<3 && ?v>1) }",
    "SELECT ?x WHERE { ?x ?p ?v FILTER(?v<?x&&?x>?v) }",
    "SELECT ?x WHERE { ?x ?p ?v FILTER(?v<?x#c>\n) }",
    "SELECT ?x WHERE { ?x ?p ?v FILTER(EXISTS{?x ?p ?v}<?v) }",
    "SELECT ?x WHERE { ?x ?p ?v FILTER(?v<=<http://e/#a>) }",
    P + "SELECT ?s ?o WHERE { ?s ex:p ?o OPTIONAL { ?o ex:q ?q } }",
    P + "SELECT * WHERE { VALUES (?x ?y) { (<http://e/#a> <http://e/#b>) (UNDEF 1) } ?x ?p ?y }",
    P + "SELECT * WHERE { VALUES ?x { ex:a ex:b } ?x ?p ?o }",
    P + "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ex:p ?o } GROUP BY ?s HAVING (COUNT(?o) > 1) "
        "ORDER BY DESC(?n) LIMIT 5 OFFSET 1",
    P + "SELECT ?s ?n WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }",
    P + "SELECT * WHERE { ?s ^ex:p|ex:q* ?o . ?o ex:a/ex:b+ ?z . ?z !(ex:c|^ex:d) ?w }",
    P + 'SELECT * WHERE { ?s ex:label "Cuneo"@it ; ex:n "1"^^xsd:int ; ex:m "2"^^<http://www.w3'
        '.org/2001/XMLSchema#int> }',
    P + "SELECT * WHERE { ?s ex:p (1 <http://e/#a> <http://e/#b>) }",
    P + "SELECT * WHERE { ?s ex:p [ ex:q [ ex:r ?o ] ] }",
    P + "SELECT * WHERE { ?s ex:p ?o FILTER(?o IN (<http://e/#a>, ex:b)) FILTER regex(?s, 'x') }",
    P + "SELECT * WHERE { ?s ex:p ?o BIND(IF(?o < 2, 'a', 'b') AS ?c) }",
    P + "SELECT * WHERE { ?s ex:a\\(b ?o . ?s ex:a\\#b ?o . ?s ex:a\\'b ?o }",
    P + "SELECT * WHERE { ?s ex:p <<( ?s ex:p ?o )>> }",
    'SELECT * WHERE { ?s ?p "}}}}{{{{" . ?s ?p """((((\n{{{{""" . ?s ?p \'[[[\' }',
    "SELECT * WHERE { ?s <http://e/a(b> ?o } # ((((( {{{{{ [[[[[",
    'SELECT * WHERE { ?s ?p "caf\\u00E9" . ?s <http://e/\\u0070> ?o }',
    'SELECT * WHERE { ?s ?p "INSERT DATA { <a> <b> <c> }" }',
    "SELECT * WHERE { ?s <http://e/INSERT> ?o } # ; INSERT DATA { }",
    "SELECT ?add ?drop WHERE { ?add ?drop ?load }",
    "PREFIX insert: <http://e/> SELECT * WHERE { ?s insert:add ?o }",
    "BASE <http://e/> SELECT * FROM <g> FROM NAMED <h> WHERE { GRAPH ?g { ?s <p> ?o } }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <http://e/s>",
    "PREFIXex: <http://e/> SELECTDISTINCT ?s WHERE{?s ex:p ?o}LIMIT1",
    "PREFIX service: <http://e/> SELECT * WHERE { service:x ?p ?o . ?s ?p service:y }",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_queries_pass_the_guard_and_the_engine(text):
    info = check(text)
    assert info.form in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    result = pyoxigraph.Store().query(text)
    if not isinstance(result, pyoxigraph.QueryBoolean):
        list(result)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("select distinct ?s { ?s ?p ?o }", "SELECT"),
    ("ASK { ?s ?p ?o }", "ASK"),
    ("ask{}", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE ?s WHERE { ?s ?p ?o }", "DESCRIBE"),
    ("describe <http://e/s>", "DESCRIBE"),
    (P + "BASE <http://e/> PREFIX : <x/> ASK { :a ?p ?o }", "ASK"),
    ('# a comment with SELECT\nVERSION "1.2" PREFIX ex: <http://e/> DESCRIBE ex:a', "DESCRIBE"),
])
def test_the_first_keyword_after_the_prologue_is_the_form(text, form):
    assert check(text).form == form


@pytest.mark.parametrize("text", [
    "PREFIX ex: <http://e/>",
    "REDUCE * WHERE { ?s ?p ?o }",
    "{ ?s ?p ?o }",
    "# only a comment",
    "PREFIX ex <http://e/> SELECT * {}",
])
def test_anything_else_first_is_an_error(text):
    error = rejected(text)
    assert "PREFIX" in error.message
    assert error.line == 1


UPDATES = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://e/data.ttl>",
    "CLEAR ALL",
    "CREATE GRAPH <http://e/g>",
    "DROP SILENT GRAPH <http://e/g>",
    "COPY DEFAULT TO <http://e/g>",
    "MOVE <http://e/a> TO <http://e/b>",
    "ADD <http://e/a> TO <http://e/b>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "insert data { <http://e/a> <http://e/b> <http://e/c> }",
    "PREFIX ex: <http://e/> drop all",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "ASK {} ;\nclear all",
    "DELETE DATA { <http://e/a> <http://e/b> <http://e/c> } ; INSERT DATA { }",
    "SELECT * WHERE { ?s ?p ?o } Load <http://e/x>",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused(text):
    error = rejected(text, QueryRefused)
    assert "read-only" in error.message
    assert error.status == 403


@pytest.mark.parametrize(("text", "iri"), [
    ("SELECT * WHERE { SERVICE <http://remote.example/sparql> { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("select * where { service <http://remote.example/sparql> { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("SELECT * WHERE { SERV\\u0049CE <http://remote.example/sparql> { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("SELECT * WHERE { SERV\\U00000049CE <http://remote.example/sparql> { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("SELECT * WHERE { SERVICE SILENT <http://remote.example/sparql> { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("PREFIX r: <http://remote.example/> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("BASE <http://remote.example/x/> SELECT * WHERE { SERVICE <../sparql> { ?s ?p ?o } }",
     "http://remote.example/sparql"),
    ("SELECT * WHERE { SERVICE <http://ok.example/\\u0078> { ?s ?p ?o } }",
     "http://ok.example/x"),
    ("SELECT * WHERE { ?s ?p ?o } VALUES ?x { 1 } # SERVICE <x> {}\n"
     "; SELECT * { SERVICE <http://remote.example/sparql> {} }", "http://remote.example/sparql"),
])
def test_service_targets_outside_the_allowlist_are_refused(text, iri):
    error = rejected(text, QueryRefused, service_allowlist=("http://ok.example/",))
    assert f"<{iri}>" in error.message
    assert "service_allowlist" in error.message
    assert error.line == (2 if "\n" in text else 1)


@pytest.fixture()
def endpoint():
    """A local HTTP server that counts the requests it gets, standing for a remote endpoint."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", hits
    server.shutdown()
    server.server_close()


GLUED_SERVICE = [
    "SELECT * WHERE { SERVICEex:x { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICESILENTex:x { ?s ?p ?o } }",
    "SELECT * WHERE { serviceSilent:x { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENTex:x { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p trueSERVICE <EP> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p falseSERVICE ex:x { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 1SERVICE<EP>{ ?s ?p ?o } }",
    "SELECT * WHERE { service:x { ?s ?p ?o } }",
]


@pytest.mark.parametrize("text", GLUED_SERVICE)
def test_service_glued_to_other_words_is_refused_as_the_engine_calls_it(text, endpoint):
    """The engine matches keywords without a word boundary; each of these contacts the target."""
    url, hits = endpoint
    query = (f"PREFIX ex: <{url}> PREFIX : <{url}> PREFIX service: <http://e/> "
             + text.replace("EP", url))
    store = pyoxigraph.Store()
    for value in (True, False, 1):
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"),
                                  pyoxigraph.NamedNode("http://e/p"), pyoxigraph.Literal(value)))
    try:  # the engine does call the "remote" endpoint (SILENT hides the failure) ...
        list(store.query(query))
    except OSError:
        pass
    assert hits
    error = rejected(query, QueryRefused)  # ... and the guard refuses it
    assert url in error.message


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT $e { ?s ?p ?o } }",
])
def test_a_variable_service_target_is_always_refused(text):
    error = rejected(text, QueryRefused, service_allowlist=("http://ok.example/",))
    assert "variable" in error.message
    assert "service_allowlist" in error.message


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }",
    "PREFIX ok: <http://ok.example/> SELECT * WHERE { service silent ok:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://ok.example/\\u0073parql> { ?s ?p ?o } }",
])
def test_an_allow_listed_service_target_is_accepted(text):
    info = check(text, service_allowlist=["http://ok.example/sparql"])
    assert info.services == ("http://ok.example/sparql",)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE undeclared:x { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE",
])
def test_a_service_without_a_usable_target_is_an_error(text):
    error = rejected(text)
    assert "SERVICE" in error.message or "undeclared:" in error.message


def test_from_and_from_named_are_collected_not_refused():
    info = check(P + "BASE <http://e/base/> SELECT * FROM ex:g1 FROM <g2> FROM NAMED <http://e/n> "
                     "from named ex:a\\-b WHERE { ?s ?p ?o }")
    assert info.from_graphs == ("http://example.org/g1", "http://e/base/g2")
    assert info.from_named_graphs == ("http://e/n", "http://example.org/a-b")
    assert info.services == ()


@pytest.mark.parametrize(("text", "depth"), [
    ('SELECT * WHERE { ?s ?p "{{{{((((" }', 1),
    ("SELECT * WHERE { ?s ?p '{{{{[[[[' }", 1),
    ('SELECT * WHERE { ?s ?p """\n{{{{ " "" \\""" (((( \n""" }', 1),
    ("SELECT ('''{{''' AS ?x) {}", 1),
    ('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" }', 1),
    ("SELECT * WHERE { ?s <http://e/(((([[[[> ?o }", 1),
    ("SELECT * WHERE { ?s ?p ?o } # {{{{ ((((\n", 1),
    ('SELECT * WHERE { ?s ?p "\\u007B\\u007B\\u007B\\u007B" }', 1),
    ("SELECT * WHERE { { [ ?p ( 1 ) ] } }", 4),
])
def test_brackets_in_strings_iris_and_comments_do_not_count(text, depth):
    assert check(text, max_nesting=4).depth == depth


def test_codepoint_escapes_of_brackets_do_count():
    text = "SELECT * WHERE {\n  \\u007B \\u007B \\u007B { } } } }"
    error = rejected(text, max_nesting=3)
    assert "max_nesting" in error.message
    assert (error.line, error.column) == (2, 17)  # the fourth brace, after three 6-char escapes


def test_an_escaped_line_break_ends_a_comment():
    error = rejected("SELECT * WHERE { ?s ?p ?o } # comment \\u000A ((((\n", max_nesting=3)
    assert "max_nesting" in error.message
    assert (error.line, error.column) == (1, 49)


@pytest.mark.parametrize(("text", "where"), DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_quickly_without_recursion(text, where):
    started = time.perf_counter()
    error = rejected(text, max_bytes=1_000_000)
    # a recursive or quadratic reading of a megabyte would take seconds; this bound holds on a
    # loaded machine too (it was 0.05 s, over which a busy machine went)
    assert time.perf_counter() - started < 0.5
    assert "max_nesting" in error.message and "200" in error.message
    assert (error.line, error.column) == where


@pytest.mark.parametrize(("open_", "close"), [("{", "}"), ("(", ")"), ("[ ?p ", " ]")])
def test_the_nesting_limit_is_inclusive(open_, close):
    def nested(n: int) -> str:
        if open_ == "{":
            return "SELECT * WHERE " + "{" * n + "}" * n
        if open_ == "(":
            return "SELECT * WHERE { FILTER" + "(" * (n - 1) + "1" + ")" * (n - 1) + " }"
        return "SELECT * WHERE { ?s ?p " + open_ * (n - 1) + "?o" + close * (n - 1) + " }"

    assert check(nested(10), max_nesting=10).depth == 10
    assert "max_nesting" in rejected(nested(11), max_nesting=10).message


@pytest.mark.parametrize("text", CHAINS.values(), ids=CHAINS.keys())
def test_long_chains_that_crash_the_engine_are_refused(text):
    error = rejected(text)
    assert f"{MAX_CHAIN:,}" in error.message
    assert "VALUES or IN" in error.message


def test_long_flat_lists_are_not_chains():
    ids = " ".join(f"<http://e/{i}>" for i in range(3000))
    info = check(f"SELECT * WHERE {{ VALUES ?x {{ {ids} }} FILTER(?x IN ({ids.replace(' ', ',')})) "
                 f"FILTER(?x = 1{' || ?x = 1' * 300}) }}", max_bytes=200_000)
    assert info.depth == 3


def test_the_worst_accepted_queries_do_not_crash_the_engine():
    """Queries right under the limits run in a separate process, which must exit normally."""
    script = textwrap.dedent(f"""
        import sys
        import pyoxigraph
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from cisem_graph.store.guards import analyze
        from corpus import WORST_ACCEPTED
        for q in WORST_ACCEPTED:
            analyze(q, max_bytes=65536, max_nesting=200)
            list(pyoxigraph.Store().query(q))
        print("survived", len(WORST_ACCEPTED))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.strip() == "survived 4"


def test_size_limit_at_the_exact_boundary():
    text = "SELECT * WHERE { ?s ?p 'é' }"  # 'é' is two bytes
    size = len(text.encode("utf-8"))
    assert check(text, max_bytes=size).form == "SELECT"
    error = rejected(text, PayloadTooLarge, max_bytes=size - 1)
    assert "max_request_bytes" in error.message and f"{size - 1:,}" in error.message
    assert error.status == 413


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "empty"),
    ("  \n\t ", "empty"),
    ("SELECT * WHERE { ?s ?p ?o }\x00", "NUL"),
    ("SELECT * WHERE { ?s ?p '\ud800' }", "surrogate"),
    ("SELECT * WHERE { ?s ?p '\\uD800' }", "not a Unicode character"),
    ("SELECT * WHERE \\u007B ?s ?p ?o }", "backslash"),
])
def test_unusable_text_is_an_error(text, fragment):
    assert fragment in rejected(text).message


@pytest.mark.parametrize(("text", "line", "column", "fragment"), [
    ("SELECT * WHERE {\n  ?s ?p ?o }\n}", 3, 1, "closes nothing"),
    ("SELECT * WHERE {\n  ?s ?p ?o )", 2, 12, "line 1, column 16"),
    ("SELECT * WHERE {\n  ?s ?p [ ?q ?o }", 2, 17, "'['"),
    ("SELECT * WHERE {\n  FILTER((?o) }", 2, 15, "'(' opened at line 2, column 9"),
    ("SELECT * WHERE {\n  { ?s ?p ?o }", 1, 16, "never closed"),
    ("SELECT * WHERE {\n  ?s ?p 'abc }", 2, 9, "not closed"),
    ("SELECT * WHERE {\n  ?s ?p 'abc\n' }", 2, 9, "not closed"),
    ('SELECT * WHERE { ?s ?p """abc\n}}}', 1, 24, "not closed"),
    ("SELECT * WHERE {\n  ?s <http://e/p ?o }", 2, 6, "IRI"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY <http://e/p", 1, 38, "IRI"),
    ("SELECT * WHERE {\n  ?s ?p '\\u0041\\u0042\" }", 2, 9, "not closed"),
    ("SELECT * WHERE { ?s ?p '\\u0041' \\u0041\n ?o }", 1, 33, "backslash"),
    ("BASE <http://[x/> SELECT * FROM <g> {}", 1, 33, "BASE"),
])
def test_malformed_text_says_where(text, line, column, fragment):
    error = rejected(text)
    assert (error.line, error.column) == (line, column)
    assert fragment in error.message


def test_positions_after_escapes_point_into_the_text_as_sent():
    text = "SELECT * WHERE { ?s ?p '\\u00E9\\u00E9' . SERV\\u0049CE <http://x/> {} }"
    error = rejected(text, QueryRefused)
    assert (error.line, error.column) == (1, text.index("<http://x/>") + 1)
