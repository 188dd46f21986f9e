"""Query-string parameters several views read, checked strictly: a bad value is a 400 that says
what is allowed, never echoed back."""

from __future__ import annotations

import re
import unicodedata

from flask import request

from ..errors import BadParameter

MAX_PAGE = 10_000
MAX_SEARCH = 200  #: characters of search text


def page_number() -> int:
    """``?page=``, a whole number from 1 to ``MAX_PAGE``."""
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise BadParameter(f"page must be a whole number from 1 to {MAX_PAGE}.", say="bad_page")
    return int(raw)


def search_text() -> str:
    """``?q=``: at most ``MAX_SEARCH`` characters, no control characters."""
    text = request.args.get("q", "").strip()
    if len(text) > MAX_SEARCH:
        raise BadParameter(f"The search text is longer than {MAX_SEARCH} characters.",
                           say="bad_search")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise BadParameter("The search text contains control characters.", say="bad_search")
    return text
