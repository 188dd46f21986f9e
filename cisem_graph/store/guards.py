"""Checks on a query's text, made before the engine sees it.

Why: pyoxigraph 0.5.13 cannot be cancelled, contacts ``SERVICE`` targets, and its recursive parser
kills the whole process (SIGSEGV) on deep input. Measured here, one query each: ~2,500 nested
``{}``, 1,000 nested ``FILTER EXISTS {}`` or ``IF(``, ~10,000 nested ``()``, ``[]`` or ``<< >>``;
flat chains too: ~2,550 ``MINUS {}`` or ``BIND``, ~6,400 ``UNION`` or ``OPTIONAL``, ~6,900 ``+``,
~9,200 ``&&``, ``||``, ``!`` or ``FILTER``, 7,000-10,000 ``.``, ``;``, ``,``, ``/`` or ``{}{}``.
So a small hand-written tokenizer walks the text once, without recursion, and refuses updates,
SERVICE calls outside ``service_allowlist``, brackets nested beyond ``max_nesting`` and chains
(operators, group clauses, triple separators, summed over the open brackets) beyond ``MAX_CHAIN``.

What pyoxigraph 0.5.13 does with ``\\uXXXX`` / ``\\UXXXXXXXX`` (checked by hand): unlike SPARQL 1.1
Query section 19.2 it does NOT process them before parsing. ``LIM\\u0049T``, ``S\\u0045LECT``,
``SERV\\u0049CE``, ``\\u007B`` and ``ex:\\u0070`` are syntax errors at the backslash. It decodes them
only inside strings and IRIs, where they never end the token (``"a\\u0022`` and ``<x\\u003E`` stay
open) and never act as brackets; ``\\u000A`` does not end a comment. So a text holding such escapes
is read twice: as the standard says (escapes first, so ``SERV\\u0049CE`` is a SERVICE and
``\\u007B`` a brace) and as the engine does (raw); both readings must pass, the deeper depth counts.

Other engine facts the tokenizer follows: SPARQL 1.2 syntax is on (``VERSION``, ``<< >>``,
``<<( )>>``, ``{| |}``); whitespace is only space, tab, CR, LF; comments end at CR or LF; expressions
(where ``<`` is less-than) occur only inside parentheses, and there ``FILTER(?a<?b#c>`` is a
comparison followed by a comment, not an IRI. Reading ``<...>`` as an IRI wherever it looks like one
would hide ``FILTER(?a<((((...))))&&?b>?c)`` from the depth count, and that query crashes the engine.
The parser also matches keywords without a word boundary: ``trueSERVICE <x> {}``, ``SERVICEex:x {}``,
``SERVICESILENT:x {}``, even ``service:x {}`` (with ``service:`` and ``:`` declared) call ``x``, and
``PREFIXex:``, ``SELECTDISTINCT``, ``FILTERex:f(`` parse; the guard reads names the same way.
Known strictness: a string whose escapes give its own quote or a backslash (``"\u0022"``) is
refused, as the standard reads them before the string; so is ``?s ex:p (<a> <b#c>)`` after a
FILTER-like name, read as an expression.
Line and column are 1-based, in code points, of the text as sent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urljoin

from pyoxigraph import NamedNode

from ..errors import PayloadTooLarge, QueryError, QueryRefused
from .base import ASK, CONSTRUCT, DESCRIBE, SELECT
from .prescan import prescan

if TYPE_CHECKING:
    from ..config import Settings

#: Most chain links (see the module docstring) open at once; the engine crashes from ~2,500.
MAX_CHAIN = 1_000


@dataclass(frozen=True)
class QueryInfo:
    """What the guards read from a query they accepted."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    from_graphs: tuple[str, ...]  # FROM IRIs, expanded and resolved against BASE
    from_named_graphs: tuple[str, ...]
    services: tuple[str, ...]  # allow-listed SERVICE targets
    depth: int  # deepest nesting of { ( [ << seen
    #: where each ``FROM [NAMED] <iri>`` clause is in the text (start, end): a store that sends
    #: the dataset as Protocol parameters blanks them (Virtuoso prefers a query's FROM to them)
    dataset_clauses: tuple[tuple[int, int], ...] = ()


_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                      "WITH"})
_TERM_WORDS = frozenset({"A", "TRUE", "FALSE", "UNDEF"})
_OPERATORS = frozenset({"||", "&&", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "!", "|",
                        "^"})

# token kinds
VAR, IRI, PNAME, TERM, WORD, OPEN, CLOSE, PUNCT = (
    "var", "iri", "pname", "term", "word", "open", "close", "punct")
# bracket kinds: "(" is a collection, path, VALUES row or list; EXPR holds an expression
TOP, GROUP, BNODE, LIST, EXPR, QUOTED = "top", "{", "[", "(", "expr", "<<"
_MATCHING = {"}": (GROUP,), ")": (LIST, EXPR), "]": (BNODE,), ">>": (QUOTED,)}
_EXPECTED_FORM = ("Expected SELECT, ASK, CONSTRUCT or DESCRIBE (after any BASE and PREFIX "
                  "declarations), found {}.")
_KEYWORDS = {"SERVICE": "SERVICE", "FROM": "FROM", "NAMED": "FROM NAMED"}

_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)+")
_IRIREF = re.compile(r"<(?:[^\x00-\x20<>\"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_VAR = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+")
_NAME = re.compile(r"[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?")
_LOCAL = re.compile(r"(?:[\w:\-\u00B7]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
                    r"|\.(?=[\w:\-\u00B7%\\]))*")
_BNODE = re.compile(r"_:\w(?:[\w.\-\u00B7]*[\w\-\u00B7])?")
_NUMBER = re.compile(r"\d+\.?\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d*\.\d+|\d+")
_LANG = re.compile(r"@[A-Za-z]+(?:--?[A-Za-z0-9]+)*")
_STRING_STOP = {('"', False): re.compile(r'[\\"\r\n]'), ("'", False): re.compile(r"[\\'\r\n]"),
                ('"', True): re.compile(r'[\\"]'), ("'", True): re.compile(r"[\\']")}
_PAIRS = frozenset({"^^", "&&", "||", "!="})
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: names the engine reads as (or as starting with) a chain keyword, maybe SERVICE
_LINK_PREFIX = re.compile(r"(?:true|false)?(?:(SERVICE)|UNION|MINUS|OPTIONAL|FILTER|BIND|GRAPH"
                          r"|LATERAL|VALUES)", re.IGNORECASE)
_FILTER = re.compile(r"(?:true|false)?FILTER", re.IGNORECASE)
_FORM = re.compile("|".join((SELECT, ASK, CONSTRUCT, DESCRIBE)))


def analyze(text: str, *, max_bytes: int, max_nesting: int,
            service_allowlist: Collection[str] = (), max_chain: int = MAX_CHAIN) -> QueryInfo:
    """Check a query's text; say its form, FROM graphs and SERVICE targets, or raise.

    Raises ``PayloadTooLarge``, ``QueryRefused`` (an update, a SERVICE outside the allow-list) or
    ``QueryError`` (malformed, or too deep for the engine), with line and column where they help.
    ``max_chain`` (setting max_chain) guards against the engine's crashes on long flat chains.
    The common case is proven by ``store.prescan`` at C speed; the tokenizer reads the rest.
    """
    known = prescan(text, max_bytes=max_bytes, max_nesting=max_nesting, max_chain=max_chain)
    if known is not None:
        form, depth = known
        return QueryInfo(form, (), (), (), depth)
    return analyze_tokens(text, max_bytes=max_bytes, max_nesting=max_nesting,
                          service_allowlist=service_allowlist, max_chain=max_chain)


def analyze_tokens(text: str, *, max_bytes: int, max_nesting: int,
                   service_allowlist: Collection[str] = (), max_chain: int = MAX_CHAIN) -> QueryInfo:
    """``analyze`` by the tokenizer alone: the trusted reading ``store.prescan`` is checked
    against."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise PayloadTooLarge(f"The query is {size:,} bytes; this endpoint accepts at most "
                              f"{max_bytes:,} (setting max_request_bytes). Send a shorter query.")
    _check_characters(text)
    allow = frozenset(service_allowlist)
    if "\\u" not in text and "\\U" not in text:
        return _Reading(text, _locator(text), max_nesting, max_chain, allow).run()
    processed, to_original = _unescape(text)
    standard = _Reading(processed, _locator(text, to_original), max_nesting, max_chain, allow).run()
    engine = _Reading(text, _locator(text), max_nesting, max_chain, allow).run()
    services = tuple(dict.fromkeys(standard.services + engine.services))
    if len(engine.dataset_clauses) != len(standard.from_graphs) + len(standard.from_named_graphs):
        raise QueryError("Write FROM and FROM NAMED without \\u escapes: their clauses must be "
                         "found as written.")
    return QueryInfo(standard.form, standard.from_graphs, standard.from_named_graphs, services,
                     max(standard.depth, engine.depth), engine.dataset_clauses)


def _check_characters(text: str) -> None:
    if not text.strip():
        raise QueryError("The query is empty; send a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    if "\x00" in text:
        line, column = _locator(text)(text.index("\x00"))
        raise QueryError("The query contains a NUL character (U+0000); remove it.",
                         line=line, column=column)
    if match := _SURROGATE.search(text):
        line, column = _locator(text)(match.start())
        raise QueryError("The query contains a lone surrogate code point; send valid UTF-8 text.",
                         line=line, column=column)


_Locate = Callable[[int], tuple[int, int]]


def _locator(original: str, to_original: Callable[[int], int] | None = None) -> _Locate:
    """Turn an offset of the text read into (line, column) of the text as sent."""

    def locate(pos: int) -> tuple[int, int]:
        if to_original is not None:
            pos = to_original(pos)
        return original.count("\n", 0, pos) + 1, pos - original.rfind("\n", 0, pos)

    return locate


def _unescape(text: str) -> tuple[str, Callable[[int], int]]:
    """Process codepoint escapes as SPARQL 1.1 section 19.2 says; map offsets back to ``text``."""
    parts: list[str] = []
    marks: list[tuple[int, int, int]] = []  # (offset in result, start and end in text)
    last = length = 0
    for match in _CODEPOINT.finditer(text):
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            line, column = _locator(text)(match.start())
            raise QueryError(f"{match.group(0)} is not a Unicode character; remove or fix it.",
                             line=line, column=column)
        parts.append(text[last:match.start()])
        length += match.start() - last
        marks.append((length, match.start(), match.end()))
        parts.append(chr(value))
        length += 1
        last = match.end()
    parts.append(text[last:])
    offsets = [mark[0] for mark in marks]

    def to_original(pos: int) -> int:
        i = bisect_right(offsets, pos) - 1
        if i < 0:
            return pos
        at, start, end = marks[i]
        return start if pos == at else end + pos - at - 1

    return "".join(parts), to_original


class _Token(NamedTuple):
    kind: str
    text: str
    pos: int


class _Scanner:
    """Cuts text into tokens, one per call; only ``<`` and ``>>`` need the caller's context."""

    def __init__(self, text: str, fail: Callable[[str, int], QueryError]) -> None:
        self.text, self.pos, self.fail = text, 0, fail

    def next(self, lt_is_operator: bool, in_quoted: bool) -> _Token | None:
        text = self.text
        if space := _SPACE.match(text, self.pos):
            self.pos = space.end()
        start = self.pos
        if start >= len(text):
            return None
        kind, self.pos = self._cut(text, start, lt_is_operator, in_quoted)
        return _Token(kind, text[start:self.pos], start)

    def _cut(self, text: str, start: int, lt_is_operator: bool, in_quoted: bool) -> tuple[str, int]:
        """The kind and end of the token at ``start``."""
        char = text[start]
        if char in "{([":
            return OPEN, start + 1
        if char in "})]":
            return CLOSE, start + 1
        if char in "?$" and (match := _VAR.match(text, start)):
            return VAR, match.end()
        if char == ":" or char.isalpha():
            match = _NAME.match(text, start)
            end = match.end() if match else start  # no match: the name starts with ':'
            if not text.startswith(":", end):
                return WORD, end
            return PNAME, _LOCAL.match(text, end + 1).end()
        if char == "<":
            return self._less_than(text, start, lt_is_operator)
        if char == ">":
            if in_quoted and text.startswith(">>", start):
                return CLOSE, start + 2
            return PUNCT, start + (2 if text.startswith(">=", start) else 1)
        if char in "\"'":
            return TERM, self._string_end(start, char)
        if match := (_NUMBER.match(text, start) or _BNODE.match(text, start)
                     or _LANG.match(text, start)):
            return TERM, match.end()
        if char == "\\":
            raise self.fail("Unexpected backslash: escapes such as \\u0041 are accepted only "
                            "inside strings and IRIs; write the character itself.", start)
        return PUNCT, start + (2 if text[start:start + 2] in _PAIRS else 1)

    def _less_than(self, text: str, start: int, is_operator: bool) -> tuple[str, int]:
        if is_operator:
            return PUNCT, start + (2 if text.startswith("<=", start) else 1)
        if text.startswith("<<", start):
            return OPEN, start + 2
        if match := _IRIREF.match(text, start):
            return IRI, match.end()
        raise self.fail("This IRI is not closed: an IRI starts with '<' and ends with '>', with no "
                        "spaces, quotes, braces, '|', '^' or '`' in between.", start)

    def _string_end(self, start: int, quote: str) -> int:
        text, long = self.text, self.text.startswith(quote * 3, start)
        stop, i = _STRING_STOP[quote, long], start + (3 if long else 1)
        while match := stop.search(text, i):
            i = match.start()
            if text[i] == "\\":
                i += 2
            elif text[i] != quote:
                break  # a line break in a short string
            elif not long:
                return i + 1
            elif text.startswith(quote * 3, i):
                return i + 3
            else:
                i += 1
        raise self.fail("This string is not closed: add the closing quote (a string in single "
                        "quotes cannot span lines; use triple quotes for that).", start)


@dataclass
class _Frame:
    kind: str
    opener: str
    pos: int
    #: TOP, or a group holding a sub-select: ``?x (`` and ``) (`` start expressions here
    clause: bool = False
    links: int = 0


@dataclass
class _Reading:
    """One walk over the tokens of one reading of the text; ``run`` checks and summarizes it."""

    text: str
    locate: _Locate
    max_nesting: int
    max_chain: int
    allow: frozenset[str]
    stack: list[_Frame] = field(default_factory=lambda: [_Frame(TOP, "", 0, clause=True)])
    prev: _Token = _Token(WORD, "", 0)
    prev2: _Token = _Token(WORD, "", 0)
    expect: str = ""  # "SERVICE", "FROM" or "NAMED" while their IRI is awaited
    glued: _Token | None = None  # the target in SERVICEex:x, a SERVICE if a '{' follows
    links: int = 0
    depth: int = 0
    base: str = ""
    prefixes: dict[str, str] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    graphs: dict[str, list[str]] = field(default_factory=lambda: {"FROM": [], "NAMED": []})
    clauses: list[tuple[int, int]] = field(default_factory=list)  # FROM [NAMED] <iri> spans

    def __post_init__(self) -> None:
        self.scanner = _Scanner(self.text, self.fail)

    def fail(self, message: str, pos: int, refused: bool = False) -> QueryError:
        line, column = self.locate(pos)
        return (QueryRefused if refused else QueryError)(message, line=line, column=column)

    def run(self) -> QueryInfo:
        form = self.prologue()
        while (token := self.next()) is not None:
            if self.glued is not None:
                glued, self.glued = self.glued, None
                if token.text == "{":
                    self.service(glued)
            if self.expect:
                self.target(token)
            elif token.kind in (WORD, PNAME):
                self.name(token)
            elif token.kind == OPEN:
                self.open(token)
            elif token.kind == CLOSE:
                self.close(token)
            elif token.text in _OPERATORS or (token.text in ".;," and self.stack[-1].kind
                                              in (TOP, GROUP, BNODE, QUOTED)):
                self.link(token)
            self.prev2, self.prev = self.prev, token
        end = len(self.text)
        if self.expect:
            raise self.fail(f"{_KEYWORDS[self.expect]} must be followed by an IRI.", end)
        if len(self.stack) > 1:
            raise self.fail(f"This '{self.stack[-1].opener}' is never closed.", self.stack[-1].pos)
        return QueryInfo(form, tuple(self.graphs["FROM"]), tuple(self.graphs["NAMED"]),
                         tuple(self.services), self.depth, tuple(self.clauses))

    def next(self) -> _Token | None:
        top = self.stack[-1]
        return self.scanner.next(top.kind == EXPR and _is_operand(self.prev), top.kind == QUOTED)

    def prologue(self) -> str:
        """Read BASE, PREFIX and VERSION declarations; return the query form that follows."""
        while (token := self.next()) is not None:
            word = token.text.upper()
            if token.kind == WORD and word == "BASE":
                self.base = self.iri(self.next(), "BASE must be followed by an IRI in <...>.")
            elif word.startswith("PREFIX") and token.kind in (WORD, PNAME):
                # the engine also reads PREFIXex: as PREFIX ex:
                name = token._replace(text=token.text[6:]) if token.kind == PNAME else self.next()
                if name is None or name.kind != PNAME or not name.text.endswith(":"):
                    raise self.fail("PREFIX must be followed by a name such as ex: and an IRI in "
                                    "<...>.", name.pos if name else len(self.text))
                self.prefixes[name.text[:-1]] = self.iri(
                    self.next(), "PREFIX must be followed by a name such as ex: and an IRI.")
            elif token.kind == WORD and word == "VERSION":
                self.next()
            elif token.kind == WORD and (form := _FORM.match(word)):
                self.name(token)  # SELECTDISTINCT is SELECT DISTINCT to the engine
                self.prev = token
                return form.group()
            else:
                self.check_update(token)
                raise self.fail(_EXPECTED_FORM.format(repr(token.text[:40])), token.pos)
        raise self.fail(_EXPECTED_FORM.format("the end of the query"), len(self.text))

    def check_update(self, token: _Token) -> None:
        if token.kind == WORD and (word := token.text.upper()) in _UPDATES:
            raise self.fail(f"This endpoint is read-only: {word} belongs to SPARQL Update, and "
                            "only SELECT, ASK, CONSTRUCT and DESCRIBE queries are answered.",
                            token.pos, refused=True)

    def name(self, token: _Token) -> None:
        """A keyword, function name or prefixed name.

        The engine matches keywords without looking for the end of the word, so it reads
        ``trueSERVICE``, ``SERVICEex:x``, ``SERVICESILENT:x`` and even ``service:x {`` (with both
        ``service:`` and ``:`` declared) as SERVICE calls, and ``FILTERex:f(`` as a FILTER.
        """
        if token.kind == WORD:
            self.check_update(token)
            word = token.text.upper()
            if word.startswith("SELECT"):
                self.stack[-1].clause = True
            elif word == "FROM":
                self.expect = "FROM"
                self.clauses.append((token.pos, token.pos))
        if keyword := _LINK_PREFIX.match(token.text):
            self.link(token)
            service, rest = keyword.group(1), token.text[keyword.end():]
            if service and token.kind == WORD and rest.upper() in ("", "SILENT"):
                self.expect = "SERVICE"
            elif service and token.kind == PNAME:
                self.glued = _Token(PNAME, rest, token.pos + keyword.end())

    def target(self, token: _Token) -> None:
        """The IRI after SERVICE [SILENT] or FROM [NAMED]."""
        expect, word = self.expect, token.text.upper() if token.kind == WORD else ""
        if (expect, word) in (("SERVICE", "SILENT"), ("FROM", "NAMED")):
            self.expect = "NAMED" if word == "NAMED" else expect
            return
        self.expect = ""
        if expect == "SERVICE":
            self.service(token)
        else:
            message = f"{_KEYWORDS[expect]} must be followed by an IRI."
            self.graphs[expect].append(self.iri(token, message))
            self.clauses[-1] = (self.clauses[-1][0], token.pos + len(token.text))

    def service(self, token: _Token) -> None:
        """Refuse a SERVICE target outside the allow-list; ``SILENTex:x`` may mean ``ex:x``."""
        if token.kind == VAR:
            raise self.fail(f"SERVICE {token.text} is refused: a SERVICE target must be an IRI "
                            "listed in the setting service_allowlist, not a variable.",
                            token.pos, refused=True)
        targets = [token]
        if token.kind == PNAME and token.text.upper().startswith("SILENT"):
            targets.append(_Token(PNAME, token.text[6:], token.pos + 6))
        declared = [t for t in targets if t.kind != PNAME or t.text.split(":")[0] in self.prefixes]
        for target in declared or targets[-1:]:
            iri = self.iri(target, "SERVICE must be followed by an IRI or a variable.")
            if iri not in self.allow:
                raise self.fail(f"SERVICE <{iri}> is refused: this endpoint calls no other "
                                "endpoint unless the setting service_allowlist lists it.",
                                target.pos, refused=True)
            self.services.append(iri)

    def iri(self, token: _Token | None, message: str) -> str:
        """The full IRI a token stands for: ``<...>`` resolved against BASE, or a prefixed name."""
        if token is not None and token.kind == IRI:
            iri = _CODEPOINT.sub(_decode, token.text[1:-1])
            if self.base and not _ABSOLUTE.match(iri):
                try:
                    iri = urljoin(self.base, iri)
                except ValueError:
                    raise self.fail(f"<{iri}> cannot be resolved against BASE <{self.base}>; "
                                    "write the full IRI.", token.pos) from None
            return iri
        if token is not None and token.kind == PNAME:
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                raise self.fail(f"The prefix '{prefix}:' is not declared; add PREFIX {prefix}: "
                                "<...> before the query.", token.pos)
            return self.prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        raise self.fail(message, token.pos if token else len(self.text))

    def open(self, token: _Token) -> None:
        kind = self.paren_kind() if token.text == "(" else token.text
        if kind == GROUP and self.stack[-1].kind == GROUP:
            self.link(token)
        depth = len(self.stack)
        if depth > self.max_nesting:
            raise self.fail(f"The query nests brackets more than {self.max_nesting} deep, the most "
                            "this endpoint allows (setting max_nesting); use fewer nested groups, "
                            "parentheses or blank nodes.", token.pos)
        self.depth = max(self.depth, depth)
        self.stack.append(_Frame(kind, token.text, token.pos))

    def paren_kind(self) -> str:
        """EXPR when the ``(`` may start an expression, the only place ``<`` can mean less-than.

        When unsure, EXPR: reading an IRI as operator and name only risks refusing a valid query
        (a collection like ``(<a> <b#c>)``), while the other mistake could hide brackets.
        """
        top, prev = self.stack[-1], self.prev
        if top.kind == EXPR:
            return EXPR
        if prev.kind in (IRI, PNAME) and (top.clause or _FILTER.match(prev.text)
                                          or _FILTER.fullmatch(self.prev2.text)):
            return EXPR  # a function call: FILTER ex:f(, FILTERex:f(, ORDER BY ex:f(
        if prev.kind == WORD and prev.text.upper() not in _TERM_WORDS | {"VALUES"}:
            return EXPR  # FILTER(, BIND(, STR(, COUNT(, IN (, BY (, SELECT (, ...
        if top.clause and _is_operand(prev):
            return EXPR  # SELECT ?x (..., ORDER BY DESC(?x) (...
        return LIST  # a collection, a path, a VALUES row

    def close(self, token: _Token) -> None:
        top = self.stack[-1]
        if top.kind == TOP:
            raise self.fail(f"This '{token.text}' closes nothing: there is no opening bracket "
                            "for it.", token.pos)
        if top.kind not in _MATCHING[token.text]:
            line, column = self.locate(top.pos)
            raise self.fail(f"This '{token.text}' does not match the '{top.opener}' opened at "
                            f"line {line}, column {column}.", token.pos)
        self.stack.pop()
        self.links -= top.links

    def link(self, token: _Token) -> None:
        self.stack[-1].links += 1
        self.links += 1
        if self.links > self.max_chain:
            raise self.fail(f"The query chains more than {self.max_chain:,} operators, clauses "
                            "or triple patterns inside one another (setting max_chain); split it "
                            "into smaller queries, or use VALUES or IN for long lists.", token.pos)


def _is_operand(token: _Token) -> bool:
    """True when the token can end an operand, so that a ``<`` after it is less-than."""
    if token.kind == WORD:
        return token.text.upper() in _TERM_WORDS
    return token.kind in (VAR, IRI, PNAME, TERM, CLOSE)


def _decode(match: re.Match[str]) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value <= 0x10FFFF else match.group(0)


def check(text: str, settings: Settings, default_graphs: Sequence[str] | None = None,
          named_graphs: Sequence[str] | None = None) -> QueryInfo:
    """The guards with a deployment's limits, and the Protocol's graph names checked as IRIs.

    Every store kind calls this before it touches its engine, so the limits hold for all.
    """
    info = analyze(text, max_bytes=settings.max_request_bytes, max_nesting=settings.max_nesting,
                   service_allowlist=settings.service_allowlist, max_chain=settings.max_chain)
    for iri in (*(default_graphs or ()), *(named_graphs or ())):
        try:
            NamedNode(iri)
        except ValueError as exc:
            raise QueryError(f"Graph name {iri!r} is not an absolute IRI ({exc}).") from None
    return info


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
#: IRIs, strings and comments: where a ``name:`` is not a prefixed name
NOT_CODE = re.compile(r'<[^<>\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                      r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_USED = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:")


def undeclared_prefixes(text: str) -> list[str]:
    """The prefixes ``text`` uses in prefixed names without a ``PREFIX`` line (strings, IRIs and
    comments are not looked into). SPARQL knows no prefix it was not told; a store that predefines
    some (Virtuoso) is held to that here."""
    code = NOT_CODE.sub(" ", text)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(code)}
    return sorted({m.group(1) for m in _USED.finditer(code) if m.group(1)} - declared)
