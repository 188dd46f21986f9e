"""Italian and English: which language a page is in, which label to show, and the page's words.

``?lang=it|en`` wins; else the ``Accept-Language`` header (werkzeug's ``best_match``, which also
matches ``en-GB`` to ``en``); else Italian, the dataset's primary language. A label missing in the
page's language falls back to the other one, then to an untagged label.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode

from flask import request
from rdflib import Literal

from ..errors import BadParameter

LANGS = ("it", "en")
DEFAULT_LANG = "it"


def page_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS, default=DEFAULT_LANG)


def refuse_bad_language() -> None:
    """A ``?lang=`` we do not serve (``xx``, ``it,en``, markup) is a 400, in the language the
    browser prefers, naming the two there are and echoing nothing; an empty one (a form's blank
    field) counts as none."""
    given = {value for value in request.args.getlist("lang") if value != ""}
    if given - set(LANGS) or len(given) > 1:
        raise BadParameter(f"lang must be one of {', '.join(LANGS)}, once.", say="bad_lang")


def asked_language() -> str | None:
    """The ``?lang=`` of the request when it is one we serve (kept across redirects and links)."""
    asked = request.args.get("lang")
    return asked if asked in LANGS else None


def preference(lang: str) -> list[str | None]:
    """Languages to try, best first: the page's, the other one we serve, untagged."""
    return [lang, *(other for other in LANGS if other != lang), None]


def in_language(literals: Iterable[Literal], lang: str) -> list[Literal]:
    """The literals in the best language available (all of them, if several share it)."""
    literals = list(literals)
    for wanted in preference(lang):
        chosen = [lit for lit in literals if (lit.language or None) == wanted]
        if chosen:
            return sorted(chosen, key=str)
    return sorted(literals, key=lambda lit: (lit.language or "", str(lit)))


def pick(literals: Iterable[Literal], lang: str) -> Literal | None:
    """One label in the best language available, or None."""
    chosen = in_language([lit for lit in literals if isinstance(lit, Literal)], lang)
    return chosen[0] if chosen else None


def pick_text(values: dict[str, str], lang: str) -> str:
    """The text in ``lang``, else in the other language, else untagged, else any."""
    for key in (lang, *(x for x in LANGS if x != lang), ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), "")


MONTHS = {
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def format_date(value: str | None, lang: str) -> str | None:
    """``14 giugno 2021, 18:00`` / ``14 June 2021, 18:00``, in the time zone the data gives."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{when.day} {MONTHS[lang][when.month - 1]} {when.year}"
    return day if len(value) <= 10 else f"{day}, {when:%H:%M}"


def with_lang(href: str) -> str:
    """Keep an explicit ``?lang=`` on links, so a reader who chose a language stays in it."""
    asked = asked_language()
    return f"{href}?lang={asked}" if asked else href


def lang_links(lang: str) -> list[dict[str, str]]:
    """The page in each language, on the host that was asked (``<link hreflang>``, the switch)."""
    return [{"lang": x, "href": this_page(lang=x), "current": x == lang} for x in LANGS]


def this_page(**args: object) -> str:
    """The URL of the page being served (its other arguments kept), with ``args`` replacing."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in args]
    query = urlencode([*kept, *((k, str(v)) for k, v in args.items() if v not in (None, ""))])
    return f"{request.base_url}{'?' + query if query else ''}"


def frame(lang: str) -> dict:
    """What every page's frame says about the page itself: its URL in each language (the switch,
    ``hreflang``), the canonical URL (the page in its language) and the language-free default."""
    return {"languages": lang_links(lang), "canonical": this_page(lang=lang),
            "default": this_page(lang=""), "indexable": True}



def error_frame(lang: str) -> dict:
    """An error page's frame: the switch reloads the same address in the other language by its
    query alone (``?lang=en``), so nothing of a hostile address is written back; never indexed."""
    return {"languages": [{"lang": x, "href": f"?lang={x}", "current": x == lang} for x in LANGS],
            "canonical": "", "default": "", "indexable": False}
