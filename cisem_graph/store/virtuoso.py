"""What OpenLink Virtuoso (7.2) says differently from the SPARQL 1.1 Protocol, read back to it.

The remote store knows a Virtuoso by its ``Server`` header and, from then on, asks and reads it
in its own dialect, so a client of ours gets the answers Oxigraph server gives (measured against
Debian's 7.2.5.1; ``tests/store/test_remote.py`` holds both engines to the embedded store):

- time-out: Virtuoso's ``timeout`` request parameter (milliseconds) stops the query in the store
  a little before our own deadline; Virtuoso then answers 200 with what it has, flagged only by
  ``X-SQL-State: S1TAT`` ("returning incomplete results"): that is a time-out here, never a
  short answer (``[SPARQL] MaxQueryExecutionTime`` in ``virtuoso.ini`` has the same effect);
- ASK: answered as a one-row SELECT of ``__ASK_RETVAL`` (1 or 0): turned into a boolean;
- blank nodes: ``nodeID://b10001`` in SPARQL JSON results (not a blank node label, which
  pyoxigraph refuses): the label ``b10001``, as Virtuoso writes the same node in N-Triples;
- DESCRIBE: Virtuoso's own description adds the triples that point at the resource; asked for
  a Concise Bounded Description (``define sql:describe-mode "CBD"``, before the query on its
  first line, so no line moves), it gives what Oxigraph gives: the resource's own triples and
  those of the blank nodes they reach;
- errors: a syntax error (``SP030``: a line, no column) is located by pyoxigraph's parser, so
  the message and position are the embedded store's; an expression error that SPARQL leaves
  unbound (``SR084: Division by 0``, a bad regular expression: SQLSTATE class 22) fails the whole
  query in Virtuoso: a 400 naming it.
"""

from __future__ import annotations

import json
import re

from pyoxigraph import Store as _ParseOnly

from ..errors import QueryError
from .guards import undeclared_prefixes
from .worker import syntax_error

#: the ``Server`` header of a Virtuoso (``Virtuoso/07.20.3229 (Linux) ...``)
SERVER = "Virtuoso/"
#: how much earlier than our deadline Virtuoso is asked to stop (its answer must reach us)
MARGIN = 0.1
_INCOMPLETE = "S1TAT"
_ASK = "__ASK_RETVAL"
_BNODE = re.compile(rb'("type":\s*"bnode",\s*"value":\s*")nodeID://')
_ERROR = re.compile(r"Virtuoso (\w{5}) Error (\w+): (.*?)(?:\n\s*\nSPARQL query:.*)?$", re.S)


#: put before a DESCRIBE query (on its first line)
DESCRIBE_CBD = 'define sql:describe-mode "CBD" '


def is_virtuoso(server_header: str | None) -> bool:
    return bool(server_header) and server_header.startswith(SERVER)


def timeout_parameter(seconds: float) -> tuple[str, str]:
    """The ``timeout`` form field that stops the query in Virtuoso before our deadline."""
    return "timeout", str(max(100, round((seconds - MARGIN) * 1000)))


def incomplete(sql_state: str | None) -> bool:
    """Whether Virtuoso says it stopped the query at its time-out and sent what it had."""
    return sql_state == _INCOMPLETE


def standard_results(body: bytes, ask: bool) -> bytes:
    """Virtuoso's SPARQL JSON results as the Recommendation writes them."""
    if ask:
        if b'"boolean"' in body:
            return body
        bindings = json.loads(body).get("results", {}).get("bindings", [])
        value = bool(bindings) and bindings[0].get(_ASK, {}).get("value") not in (None, "0")
        return b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}"
    return _BNODE.sub(rb"\1", body) if b"nodeID://" in body else body


def query_error(message: str, text: str, base: str, lines_before: int,
                ask: bool = False) -> QueryError | None:
    """Virtuoso's 400/500 answer as the ``QueryError`` the embedded store gives (``None``: not
    the query's fault). ``text`` is the client's query, ``lines_before`` the lines put before it
    in what was sent (Virtuoso counts them).
    (pyoxigraph evaluates an ASK as it parses it: Virtuoso's line is kept for an ASK.)"""
    match = _ERROR.match(message.strip())
    if match is None:
        return None
    state, code, words = match[1], match[2], match[3].strip()
    if code.startswith("SP"):  # the SPARQL compiler
        located = None if ask else _located(text, base)
        if located is not None:
            return located
        line = re.match(r"SPARQL compiler, line (\d+): (.*)", words, re.S)
        if line:
            number = int(line[1]) - lines_before
            return QueryError(f"The store refused the query at line {number}: {line[2]}",
                              line=number)
        return QueryError(f"The store refused the query: {words}")
    if state.startswith("22"):  # SQLSTATE data exception: an expression that cannot be computed
        return QueryError(f"The store could not compute an expression of the query: {words} "
                          "(Virtuoso fails the query where SPARQL leaves the value unbound)")
    return None


def undeclared(text: str, base: str) -> QueryError | None:
    """Virtuoso predefines prefixes (``foaf:``, ``schema:``…) and answers a query that uses one
    it never declared; SPARQL, and every other store here, refuses it: so refused before it is
    sent, located as pyoxigraph locates it (``None``: nothing undeclared, or it parses)."""
    return _located(text, base) if undeclared_prefixes(text) else None


def _located(text: str, base: str) -> QueryError | None:
    """pyoxigraph's syntax error for ``text``, at its line and column (``None``: it parses)."""
    try:
        _ParseOnly().query(text, base_iri=base)  # a SELECT or graph form is evaluated when read
    except SyntaxError as exc:
        return syntax_error(exc)
    return None
