"""The guards' fast path: proves, with a few regular-expression passes, that the tokenizer in
``store.guards`` would accept a query, and reads what it would read (the form, the depth).

Why: the tokenizer walks the text token by token in Python (about 0.3 µs a character, 20 µs for a
lookup, 130 µs for a join), while a typical query holds nothing it needs to look at closely. This
scan lets C do the walking: one ``finditer`` stops only at what can change a reading (strings,
IRIs, comments, brackets, ``<``), the rest is searched as a whole. Whenever it cannot prove the
tokenizer's answer it says so (``None``) and the tokenizer runs; it never refuses anything itself,
so every error message, line and column still comes from the tokenizer. A differential test
(``tests/store/test_prescan.py``) checks that whenever this scan answers, the tokenizer accepts the
same text with the same analysis.

What it leaves to the tokenizer: any backslash (codepoint escapes and their two readings), BASE,
VERSION, glued prologues such as ``PREFIXex:``, ``<<`` (quoted triples), a ``<`` it cannot read
with certainty as an IRI or as less-than (see ``_Walk``), any name that may be SERVICE, FROM or an
update keyword, unbalanced brackets, NUL and lone surrogates, anything over a limit. Chains are
bounded from above: every link the tokenizer counts holds one of the characters or keywords
counted here, so a total within ``max_chain`` proves the tokenizer's running sum is too.
"""

from __future__ import annotations

import re

#: what the tokenizer skips between tokens: only space, tab, CR, LF, and comments
_WS = r"(?:[ \t\r\n]|#[^\r\n]*+)"
_IRI = r"<[^\x00-\x20<>\"{}|^`\\]*>"
_PREFIX_NAME = r"(?:[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?)?:"
#: keywords in ASCII letters of either case: the tokenizer compares ``str.upper()`` with them,
#: which re.IGNORECASE alone does not match (it folds the Kelvin sign into k)
_PROLOGUE = re.compile(
    rf"{_WS}*+(?:(?ai:PREFIX){_WS}+{_PREFIX_NAME}{_WS}*{_IRI}{_WS}*)*"
    r"(?P<form>(?ai:SELECT|ASK|CONSTRUCT|DESCRIBE))(?![\w.\-\u00B7:\\])")
_LONG_STRINGS = (r'"""[^"]*+(?:"(?!"")[^"]*+)*+"""', r"'''[^']*+(?:'(?!'')[^']*+)*+'''")
#: the text up to the next place where the tokenizer's reading may turn (a comment, a string,
#: an IRI, '<', a bracket) and that place; the end of the text is the last place
_STOPS = re.compile(
    r"(?P<gap>[^#\"'<(){}\[\]]*+)(?:"
    r"(?P<comment>#[^\r\n]*+)"
    rf"|(?P<string>{_LONG_STRINGS[0]}|{_LONG_STRINGS[1]})"
    r"|(?P<unsure><<|" + '"""' + r"|''')"  # '<<', a long string not closed
    r"""|(?P<short>"[^"\r\n]*+"|'[^'\r\n]*+')"""
    rf"|(?P<iri>{_IRI}(?:[ \t\r\n]*+{_IRI})*+)"  # IRIs one after another: one stop
    r"|(?P<lt><)"
    r"|(?P<open>[{(\[])"
    r"|(?P<close>[})\]])"
    r"|(?P<end>\Z)"
    r"|(?P<quote>[\"']))")  # a short string not closed
_BAD = re.compile("[\x00\ud800-\udfff]")
#: names that may be SERVICE (the engine reads it glued to other words), FROM or an update
#: keyword, as a word of its own: no ASCII letter, '?', '$', ':' or '@' before it (which would
#: make it part of a name, variable, prefixed name or language tag), no name character after it
_UNSURE_WORDS = ("service", "from", "insert", "delete", "load", "clear", "create", "drop", "copy",
                 "move", "add", "with")
_UNSURE = re.compile(rf"service|(?<![A-Za-z?$:@])(?:{'|'.join(_UNSURE_WORDS[1:])})"
                     r"(?![\w\-\u00B7:])", re.IGNORECASE)
_LINK_WORDS = ("union", "minus", "optional", "filter", "bind", "graph", "lateral", "values")
_LINK_CHARS = re.compile(r"[|&=!<>+\-*/^.;,]")
#: the end of a gap between stops: a variable, a word, or punctuation that is no operand
_VAR_END = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+\Z")
_WORD_TAIL = re.compile(r"(?<![\w?$:@.%\u00B7\-])[A-Za-z]+\Z")
_NOT_OPERAND_END = frozenset(",=!&|+*/^;>")
_TERM_WORDS = frozenset({"A", "TRUE", "FALSE", "UNDEF"})

# what the token before a stop is, as far as the scan can tell
OPERAND, NOT_OPERAND, UNKNOWN = "operand", "not operand", "unknown"
# bracket frames: '{', '[', and for '(' EXPR when the tokenizer surely reads an expression there
EXPR, PAREN = "expr", "("
_PARENS = (EXPR, PAREN)
_CLOSER = {"{": "}", "[": "]", EXPR: ")", PAREN: ")"}


def prescan(text: str, *, max_bytes: int, max_nesting: int,
            max_chain: int) -> tuple[str, int] | None:
    """``(form, depth)`` as the tokenizer would read them, or ``None`` when unsure.

    A query this accepts has no FROM, FROM NAMED or SERVICE: the rest of its analysis is empty.
    """
    if "\\" in text:
        return None
    if text.isascii():
        if len(text) > max_bytes or "\x00" in text:
            return None
    elif len(text.encode("utf-8", "surrogatepass")) > max_bytes or _BAD.search(text):
        return None
    prologue = _PROLOGUE.match(text)
    if prologue is None:
        return None
    walk = _Walk(text, prologue.end(), max_nesting)
    if not walk.run():
        return None
    code = " ".join(walk.gaps)
    if not code.isascii():
        return None  # case folding beyond ASCII: the tokenizer's str.upper() decides
    lowered = code.lower()
    if any(word in lowered for word in _UNSURE_WORDS) and _UNSURE.search(code):
        return None
    links = (walk.links + len(_LINK_CHARS.findall(code))
             + sum(lowered.count(word) for word in _LINK_WORDS))
    if links > max_chain:
        return None
    return prologue.group("form").upper(), walk.depth


class _Walk:
    """One pass over the stops of the text after the form keyword.

    The tokenizer reads ``<`` as less-than only inside an expression, after an operand; elsewhere
    it starts an IRI (or fails). So an IRI inside parentheses counts only after a token that is
    surely no operand, and a ``<`` that starts no IRI only inside a surely-expression parenthesis
    after a surely-operand token; any other case is left to the tokenizer.
    """

    def __init__(self, text: str, start: int, max_nesting: int) -> None:
        self.text, self.start, self.max_nesting = text, start, max_nesting
        self.gaps: list[str] = []  # the text between stops: names, variables, punctuation
        self.depth = 0
        self.links = 0  # links among the stops themselves: '{' and '<' as an operator

    def run(self) -> bool:
        gaps = self.gaps
        stack: list[str] = []
        # the token before the next stop: the class of the last stop, unless a gap with tokens
        # (its ``tail``) came after it; the form keyword is a word and no operand
        before, tail = NOT_OPERAND, ""
        for match in _STOPS.finditer(self.text, self.start):
            kind, gap = match.lastgroup, match.group("gap")
            if gap:
                gaps.append(gap)
                if gap.strip(" \t\r\n"):
                    tail = gap
            if kind == "comment":
                continue  # transparent: the token before it is still the one before
            if kind == "iri":
                # in parentheses, an IRI after an operand may be read as less-than
                if stack and stack[-1] in _PARENS and (match.group(kind).count("<") > 1
                                                       or _before(before, tail) != NOT_OPERAND):
                    return False
                before = OPERAND
            elif kind in ("string", "short"):
                before = OPERAND
            elif kind == "open":
                frame = match.group(kind)
                if frame == "(":
                    frame = EXPR if (stack and stack[-1] == EXPR) or _word(tail) else PAREN
                elif frame == "{":
                    self.links += 1
                stack.append(frame)
                if len(stack) > self.max_nesting:
                    return False
                self.depth = max(self.depth, len(stack))
                before = NOT_OPERAND
            elif kind == "close":
                if not stack or _CLOSER[stack.pop()] != match.group(kind):
                    return False
                before = OPERAND
            elif kind == "lt":
                if not stack or stack[-1] != EXPR or _before(before, tail) != OPERAND:
                    return False
                self.links += 1
                before = NOT_OPERAND
            elif kind == "end":
                return not stack
            else:  # '<<', a string not closed
                return False
            tail = ""
        raise AssertionError("the end of the text is always a stop")


def _before(before: str, tail: str) -> str:
    """What the token before a stop is: ``before`` (the last stop's class) or the end of ``tail``."""
    if not tail:
        return before
    rest = tail.rstrip(" \t\r\n")
    if rest[-1] in _NOT_OPERAND_END:
        return NOT_OPERAND
    if _VAR_END.search(rest):
        return OPERAND
    if word := _WORD_TAIL.search(rest):
        return OPERAND if word.group().upper() in _TERM_WORDS else NOT_OPERAND
    return UNKNOWN


def _word(tail: str) -> bool:
    """Whether the token before a '(' is surely a word other than a, true, false, undef and
    VALUES, after which the tokenizer reads the parenthesis as an expression."""
    if not tail:
        return False  # a stop: a bracket, a string or an IRI
    word = _WORD_TAIL.search(tail.rstrip(" \t\r\n"))
    return word is not None and word.group().upper() not in _TERM_WORDS | {"VALUES"}
