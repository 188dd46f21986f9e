"""Which queries are proven bounded, and may run in the serving process (the embedded store's fast
lane) instead of an isolated query process.

A query process exists for queries that run long (pyoxigraph cannot be cancelled: only killing
its process stops it) or crash the engine (deep nesting: the guards refuse it anyway). A query
whose every step is an index lookup around constants can do neither, and the round trip to a
query process costs more than the query. This module recognises such queries in a small subset
of SPARQL and says why any other query is not in it; anything it does not know is not bounded.

The subset, and why each rule:

- SELECT with ``*`` or plain variables, ASK, CONSTRUCT (a template of triples, or CONSTRUCT
  WHERE), DESCRIBE of constants without WHERE; no DISTINCT, REDUCED, ORDER BY, GROUP BY, HAVING,
  aggregates or expressions in SELECT: these read every solution before the first answer.
- In the WHERE clause only triple patterns, FILTER, OPTIONAL and GRAPH (one level inside the
  WHERE group); no UNION, MINUS, VALUES, BIND, subqueries, SERVICE (an outbound call has its own
  latency, even when allow-listed), blank nodes, collections or property paths (a closure walks
  the graph).
- Every triple pattern has a constant subject or object, so it matches at most the triples of
  one node. With more than one pattern, every pattern has exactly one variable subject or object,
  the same in all: a star around one variable, answered by intersecting lookups. A join through
  a shared constant, through a predicate or graph variable only, or of two variables (``<s> ?p ?x
  . <s> ?q ?y``) multiplies the matches: a cross product.
- FILTER only compares terms with a few built-ins whose cost grows with a term's length:
  STR, LANG, LANGMATCHES, DATATYPE, BOUND, sameTerm, isIRI/isURI/isBlank/isLiteral/isNumeric,
  STRSTARTS, STRENDS, CONTAINS, STRLEN, LCASE, UCASE, IN / NOT IN. No REGEX or REPLACE (a
  pattern compiled from the query, maybe per row), no EXISTS (a pattern per row), no functions
  that build strings or terms, no extension functions.
- Short: at most ``MAX_TOKENS`` tokens, ``MAX_PATTERNS`` triple patterns, parentheses
  ``MAX_PARENS`` deep in a FILTER, groups one level inside WHERE. The guards' limits on nesting
  and chains are far larger; this subset stays far from anything that can crash the engine.
- LIMIT and OFFSET, when given, within the result cap. Without LIMIT the store reads at most
  cap + 1 solutions of a lazy evaluation and stops, which is the same bound.
- No FROM / FROM NAMED and no Protocol dataset (the caller checks): the fast lane serves the
  published dataset only; no BASE-relative surprises either, as no escapes (``\\``) are read.

The proof is tested against the corpus of long-running and crashing queries
(``tests/store/corpus.py``): none of them is bounded.
"""

from __future__ import annotations

import re

#: most tokens (names, terms, punctuation) in a bounded query
MAX_TOKENS = 300
#: most triple patterns in a bounded query (the template of a CONSTRUCT not counted)
MAX_PATTERNS = 16
#: deepest parentheses inside one FILTER
MAX_PARENS = 4
FUNCTIONS = frozenset({
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "SAMETERM", "ISIRI", "ISURI", "ISBLANK",
    "ISLITERAL", "ISNUMERIC", "STRSTARTS", "STRENDS", "CONTAINS", "STRLEN", "LCASE", "UCASE"})
_BINARY = frozenset({"=", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/"})
_UNARY = frozenset({"!", "+", "-"})

_PREFIX = r"[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?"
_LOCAL = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?"
_TOKEN = re.compile(
    r"(?:[ \t\r\n]|#[^\r\n]*+)*+(?:"
    r"(?P<iri><[^\x00-\x20<>\"{}|^`\\]*>)"
    r"|(?P<var>[?$][A-Za-z0-9_]+)"
    rf"|(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)"
    r"|(?P<string>\"[^\"\\\r\n]*+\"|'[^'\\\r\n]*+')"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<name>[A-Za-z]+)"
    r"|(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}().;,*=<>!+\-/])"
    r"|(?P<end>\Z)"
    r"|(?P<other>[\s\S]))")
IRI, VAR, PNAME, STRING, LANG, NUMBER, NAME, PUNCT, END = (
    "iri", "var", "pname", "string", "lang", "number", "name", "punct", "end")
_CONSTANT = frozenset({IRI, PNAME, STRING, NUMBER})


class _NotBounded(Exception):
    """Why a query is not in the bounded subset."""


def unbounded_reason(text: str, *, result_limit: int) -> str | None:
    """``None`` when the query is proven bounded; otherwise why not, in a few words."""
    if "\\" in text:
        return "escapes are read by the isolated lane only"
    try:
        _Reader(text, result_limit).query()
    except _NotBounded as exc:
        return str(exc)
    return None


def is_bounded(text: str, *, result_limit: int) -> bool:
    return unbounded_reason(text, result_limit=result_limit) is None


class _Reader:
    """A recursive-descent reader of the bounded subset, over tokens cut by one regex."""

    def __init__(self, text: str, result_limit: int) -> None:
        self.matches = _TOKEN.finditer(text)  # read lazily: most queries fail early
        self.count = 0
        self.current = self.next()
        self.result_limit = result_limit
        #: the variable subject or object every pattern has, once one pattern was read; the
        #: patterns read; whether a template is being read (its patterns are not matched)
        self.star: str | None = None
        self.patterns = 0
        self.in_template = False

    # -- tokens --

    def next(self) -> tuple[str, str]:
        match = next(self.matches)
        self.count += 1
        if self.count > MAX_TOKENS:
            raise _NotBounded(f"more than {MAX_TOKENS} tokens")
        return match.lastgroup, match.group(match.lastgroup)

    def peek(self) -> tuple[str, str]:
        return self.current

    def take(self) -> tuple[str, str]:
        token = self.current
        if token[0] != END:
            self.current = self.next()
        return token

    def word(self) -> str:
        """The next token as an upper-case keyword, or '' when it is not a name."""
        kind, value = self.peek()
        return value.upper() if kind == NAME else ""

    def expect(self, text: str) -> None:
        kind, value = self.take()
        if value != text or kind != PUNCT:
            raise _NotBounded(f"{_shown(kind, value)} where '{text}' was expected")

    # -- the query --

    def query(self) -> None:
        while self.word() in ("PREFIX", "BASE"):
            if self.take()[1].upper() == "PREFIX" and not self.take()[1].endswith(":"):
                raise _NotBounded("an unusual PREFIX declaration")
            if self.take()[0] != IRI:
                raise _NotBounded("an unusual prologue")
        form = self.word()
        self.take()
        if form == "SELECT":
            self.projection()
            self.where()
        elif form == "ASK":
            self.where()
        elif form == "CONSTRUCT":
            if self.peek() == (PUNCT, "{"):
                self.template()
            self.where()
        elif form == "DESCRIBE":
            self.describe()
            return
        else:
            raise _NotBounded(f"{form or 'no'} query form")
        self.modifiers()
        self.finish()

    def projection(self) -> None:
        if self.peek() == (PUNCT, "*"):
            self.take()
            return
        if self.peek()[0] != VAR:
            raise _NotBounded(f"SELECT {_shown(*self.peek())}: DISTINCT, REDUCED and expressions "
                              "read every solution")
        while self.peek()[0] == VAR:
            self.take()

    def where(self) -> None:
        if self.word() == "WHERE":
            self.take()
        self.group(1)

    def template(self) -> None:
        """A CONSTRUCT template: triples only; its variables come from the WHERE clause."""
        self.expect("{")
        self.in_template = True
        while self.peek() != (PUNCT, "}"):
            if self.peek() == (PUNCT, "."):
                self.take()
            else:
                self.triples()
        self.take()
        self.in_template = False

    def describe(self) -> None:
        if self.peek()[0] not in (IRI, PNAME):
            raise _NotBounded("DESCRIBE of a variable or with a WHERE clause")
        while self.peek()[0] in (IRI, PNAME):
            self.take()
        self.finish()

    def modifiers(self) -> None:
        seen = set()
        while (word := self.word()) in ("LIMIT", "OFFSET") and word not in seen:
            seen.add(word)
            self.take()
            kind, value = self.take()
            if kind != NUMBER or not value.isdigit() or int(value) > self.result_limit:
                raise _NotBounded(f"{word} beyond the result cap ({self.result_limit:,})")

    def finish(self) -> None:
        kind, value = self.take()
        if kind != END:
            raise _NotBounded(f"{_shown(kind, value)} (ORDER BY, GROUP BY, HAVING and VALUES are "
                              "not in the bounded subset)")

    # -- graph patterns --

    def group(self, depth: int) -> None:
        self.expect("{")
        while True:
            kind, value = self.peek()
            word = value.upper() if kind == NAME else ""
            if (kind, value) == (PUNCT, "}"):
                self.take()
                return
            if (kind, value) == (PUNCT, "."):
                self.take()
            elif word == "FILTER":
                self.take()
                self.filter()
            elif word in ("OPTIONAL", "GRAPH") and depth == 1:
                self.take()
                if word == "GRAPH" and self.take()[0] not in (VAR, IRI, PNAME):
                    raise _NotBounded("GRAPH without a graph name or variable")
                self.group(depth + 1)
            elif kind in (VAR, IRI, PNAME):
                self.triples()
            else:
                raise _NotBounded(f"{_shown(kind, value)} in a group (only triple patterns, "
                                  "FILTER, and OPTIONAL or GRAPH one level deep)")

    def triples(self) -> None:
        """Triples with one subject: ``s p o, o ; p o``; no paths, blank nodes or collections."""
        subject = self.term(subject=True)
        while True:
            kind, value = self.take()
            if kind not in (VAR, IRI, PNAME) and (kind, value) != (NAME, "a"):
                raise _NotBounded(f"{_shown(kind, value)} as a predicate (property paths walk "
                                  "the graph)")
            while True:
                self.pattern(subject, self.term(subject=False))
                if self.peek() != (PUNCT, ","):
                    break
                self.take()
            if self.peek() != (PUNCT, ";"):
                return
            while self.peek() == (PUNCT, ";"):
                self.take()
            kind, value = self.peek()
            if kind not in (VAR, IRI, PNAME) and (kind, value) != (NAME, "a"):
                return

    def term(self, *, subject: bool) -> str | None:
        """A subject or object: the variable's name, or ``None`` for a constant."""
        kind, value = self.take()
        if kind == VAR:
            return value[1:]
        if kind in (IRI, PNAME, NUMBER) or (kind == NAME and value.upper() in ("TRUE", "FALSE")
                                           and not subject):
            return None
        if kind == STRING:
            self.literal_suffix()
            return None
        raise _NotBounded(f"{_shown(kind, value)} as a subject or object (blank nodes, "
                          "collections and paths are not in the bounded subset)")

    def literal_suffix(self) -> None:
        if self.peek()[0] == LANG:
            self.take()
        elif self.peek() == (PUNCT, "^^"):
            self.take()
            if self.take()[0] not in (IRI, PNAME):
                raise _NotBounded("a datatype that is no IRI")

    def pattern(self, subject: str | None, obj: str | None) -> None:
        """Every pattern anchored on a constant; several patterns only as a star."""
        if self.in_template:
            return
        if subject is not None and obj is not None:
            raise _NotBounded(f"the triple pattern ?{subject} … ?{obj} has no constant subject "
                              "or object")
        end = subject or obj
        self.patterns += 1
        if self.patterns == 1:
            self.star = end
        elif end is None or end != self.star:
            raise _NotBounded("triple patterns not joined on one variable (a cross product)")
        if self.patterns > MAX_PATTERNS:
            raise _NotBounded(f"more than {MAX_PATTERNS} triple patterns")

    # -- FILTER --

    def filter(self) -> None:
        """``FILTER ( expression )`` or ``FILTER function( ... )`` with the allowed functions."""
        if self.word() in FUNCTIONS:
            self.take()
        self.expect("(")
        depth, operand = 1, True
        while depth:
            kind, value = self.take()
            word = value.upper() if kind == NAME else ""
            if operand:
                if kind in (VAR, IRI, PNAME, NUMBER) or word in ("TRUE", "FALSE"):
                    operand = False
                elif kind == STRING:
                    self.literal_suffix()
                    operand = False
                elif (kind, value) == (PUNCT, "(") or (word in FUNCTIONS
                                                       and self.peek() == (PUNCT, "(")):
                    if word:
                        self.take()
                    depth += 1
                elif not (kind == PUNCT and value in _UNARY):
                    raise _NotBounded(f"{_shown(kind, value)} in a FILTER (only comparisons and "
                                      "a few cheap built-ins)")
            elif kind == PUNCT and value in _BINARY or (kind, value) == (PUNCT, ","):
                operand = True
            elif (kind, value) == (PUNCT, ")"):
                depth -= 1
            elif word in ("IN", "NOT"):
                if word == "NOT" and self.take()[1].upper() != "IN":
                    raise _NotBounded("NOT without IN in a FILTER")
                self.expect("(")
                depth += 1
                operand = True
            else:
                raise _NotBounded(f"{_shown(kind, value)} after an operand in a FILTER")
            if depth > MAX_PARENS:
                raise _NotBounded(f"parentheses deeper than {MAX_PARENS} in a FILTER")


def _shown(kind: str, value: str) -> str:
    if kind == END:
        return "the end of the query"
    return repr(value[:40])
