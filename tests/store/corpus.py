"""Every long-running and crashing query of the store tests, in one place.

The guards and the fast lane are proven against it: each crashing query is refused by the guards
(``test_guards``), none of the corpus is bounded (``test_bounded``: nothing here may run in the
serving process), and the isolated lane still stops and survives them (``test_embedded``). A
query found to crash or run long belongs here first, so that the guards are wrong in a test
before they are wrong for a user.

Why the crashing ones crash, measured on pyoxigraph 0.5.13: its recursive parser overflows the
stack from about 2,500 nested groups, 1,000 nested ``FILTER EXISTS {}``, 10,000 nested
parentheses, brackets or ``<< >>``, and flat chains of ~2,550 ``MINUS``/``BIND``, ~6,400
``UNION``/``OPTIONAL``, ~7,000 ``+``, ~9,200 ``!``, 7,000-10,000 ``;`` (see ``store.guards``).
"""

from __future__ import annotations

from typing import NamedTuple

_HUNDRED = " ".join(map(str, range(100)))
_PRODUCT = " ".join(f"VALUES ?{v} {{ {_HUNDRED} }}" for v in "abcde")

#: 100^5 = 10^10 rows from constants: no data needed, minutes of work for the engine.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { " + _PRODUCT + " }"
#: the same rows, streamed: no aggregate, but no row passes the FILTER, so the first never comes.
SLOW_FILTERED = "SELECT * WHERE { " + _PRODUCT + " FILTER(?a + ?b + ?c + ?d + ?e < 0) }"
#: nested deeply enough to overflow the engine's stack (about 5,000 already do); executed only
#: directly in a query process, as the guards refuse it.
CRASH = "SELECT * WHERE { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }"


class Deep(NamedTuple):
    """A query nested beyond ``max_nesting`` (200) that crashes the engine, and the line and
    column of the bracket the guards stop at."""

    text: str
    where: tuple[int, int]


DEEP = {
    "groups": Deep("SELECT * WHERE " + "{" * 3000 + "}" * 3000, (1, 16 + 200)),
    "parentheses": Deep("SELECT * WHERE { FILTER(" + "(" * 12000 + "1" + ")" * 12000 + ") }",
                        (1, 24 + 199)),
    "less-than-then-parentheses": Deep(
        "SELECT * WHERE { FILTER(?o<" + "(" * 12000 + "?s" + ")" * 12000 + "&&?s>?o) }",
        (1, 28 + 198)),
    "blank-nodes": Deep("SELECT * WHERE { ?s ?p " + "[ ?p " * 12000 + "?o" + " ]" * 12000 + " }",
                        (1, 24 + 199 * 5)),
    "quoted-triples": Deep("SELECT * WHERE { " + "<< " * 6000 + "?s ?p ?o" + " >> ?p ?o" * 5999
                           + " >> ?q ?r }", (1, 18 + 199 * 3)),
    "filter-exists": Deep("SELECT * WHERE { " + "FILTER EXISTS { " * 3000 + "}" * 3001,
                          (1, 32 + 199 * 16)),
    # '<' after an operand inside an expression is less-than, whatever follows it
    "glued-filter-less-than": Deep(
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ?o FILTERex:f(?o<" + "(" * 12000 + "?s"
        + ")" * 12000 + "&&?s>?o) }", (1, 64 + 198)),
    "order-by-less-than": Deep(
        "SELECT * WHERE { { SELECT * WHERE { } ORDER BY ?x (?a<" + "(" * 12000 + "?b"
        + ")" * 12000 + "&&?b>?c) } }", (1, 55 + 197)),
    "spaced-groups": Deep("SELECT * { " + "{ " * 300 + "?s ?p ?o" + " }" * 300 + " }",
                          (1, 12 + 2 * 199)),
}

#: Flat chains that crash the engine, refused by ``max_chain``.
CHAINS = {
    "minus": "SELECT * WHERE { {}" + "MINUS{}" * 2600 + " }",
    "plus": "SELECT * WHERE { FILTER(1" + "+1" * 7000 + ">0) }",
    "bind": "SELECT * WHERE { " + "".join(f"BIND(1 AS ?x{i})" for i in range(2600)) + " }",
    "not": "SELECT * WHERE { FILTER(" + "!" * 9300 + "true) }",
    "semicolons": "SELECT * WHERE { ?s ?p 1" + ";?p 1" * 10000 + " }",
    # 600 links on each of two levels: the sum counts, as the engine recurses through both
    "two-levels": "SELECT * WHERE { {}" + "UNION{}" * 300 + " UNION { {}" + "UNION{}" * 300
                  + " } }",
}

_N, _C = 198, 1000 - 2 * 198 - 10
#: Right under the limits: accepted by the guards, and the engine survives them (in a process of
#: their own in the test).
WORST_ACCEPTED = [
    "SELECT * WHERE { FILTER(" + "(" * _N + "1" + "+1" * _C + ")" * _N + ") }",
    "SELECT * WHERE { " + "FILTER EXISTS { " * _N + "{}" + "MINUS{}" * (_C // 2) + " }" * _N
    + " }",
    "SELECT * WHERE { BIND(" + "IF(true," * _N + "1" + "||1" * _C + ",1)" * _N + " AS ?x) }",
    "SELECT * WHERE { " + "FILTER EXISTS { " * _N + "FILTER(" + "!" * _C + "true)" + " }" * _N
    + " }",
]

#: Larger than max_request_bytes (65,536).
TOO_LARGE = "SELECT * { ?s ?p ?o . } # " + "x" * 70_000

_S = "PREFIX schema: <https://schema.org/>\n"
_CISEM = "<https://w3id.org/cisem/id/organization/cisem>"
#: Shapes that run long: on any data (the VALUES products above, the closures), or on a large
#: dataset because they multiply, sort or scan what they match, or call out. The guards accept
#: them; only the isolated lane, whose time-out kills, may run them, never the fast lane.
LONG = {
    "values-product-count": SLOW,
    "values-product-filtered": SLOW_FILTERED,
    "values-product-ordered": "SELECT * WHERE { " + _PRODUCT + " } ORDER BY ?e LIMIT 1",
    "cross-product-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                           "?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }",
    "cross-product-filtered": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
                              "FILTER(?a = ?z) }",
    "cross-product-through-a-constant": _S + "SELECT * WHERE { ?a ?p schema:Event . "
                                             "?b ?q schema:Event . ?c ?r schema:Event "
                                             "FILTER(false) }",
    "joined-on-a-predicate-only": _S + "SELECT * WHERE { ?a ?p schema:Event . "
                                       "?b ?p schema:Event FILTER(false) }",
    "joined-on-a-graph-only": _S + "SELECT * WHERE { GRAPH ?g { ?a ?p schema:Event } "
                                   "GRAPH ?g { ?b ?q schema:Event } FILTER(false) }",
    "optional-product": _S + "SELECT * WHERE { ?a a schema:Event "
                             "OPTIONAL { ?b a schema:Event } FILTER(false) }",
    "full-scan": "SELECT * WHERE { ?s ?p ?o FILTER(?o = 'none') }",
    "closure-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://e/p>|!<http://e/p>)* ?b }",
    "closure-from-a-constant": f"SELECT * WHERE {{ {_CISEM} (!<http://e/none>)* ?x "
                               "FILTER(false) }",
    "ordered-scan": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 1",
    "distinct-scan": "SELECT DISTINCT ?o WHERE { ?s ?p ?o } LIMIT 1",
    "grouped-scan": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "subquery-product": "SELECT * WHERE { { SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } } } LIMIT 1",
    "exists-per-row": _S + "SELECT * WHERE { ?s a schema:Event FILTER NOT EXISTS { ?s ?p ?o . "
                           "?x ?y ?z FILTER(?x = ?o) } }",
    "describe-everything": "DESCRIBE ?x WHERE { ?x ?p ?o }",
    "construct-product": "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f }",
    "service-allow-listed": f"SELECT * WHERE {{ SERVICE <http://ok.example/sparql> "
                            f"{{ {_CISEM} ?p ?o }} }}",
}

#: Every query above.
ALL = {
    "crash": CRASH, "too-large": TOO_LARGE,
    **{f"deep-{name}": deep.text for name, deep in DEEP.items()},
    **{f"chain-{name}": text for name, text in CHAINS.items()},
    **{f"worst-accepted-{i}": text for i, text in enumerate(WORST_ACCEPTED)},
    **{f"long-{name}": text for name, text in LONG.items()},
}
