"""Every kind of page in a real headless Chromium, as a phone (390 px) and a desktop (1280 px) show it.

No page scrolls sideways: the document is never wider than the viewport (tables scroll inside their
own box). axe-core (``vendor/axe.min.js``, injected into each page) finds no serious or critical
violation of WCAG 2.1 A/AA: landmarks, headings, labels, contrast, names of links and controls.
Chromium is Debian's, driven by ``cdp.py``; nothing is downloaded.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from axe import serious_violations, widths
from cdp import Tab

QUERY = ("PREFIX schema: <https://schema.org/>\nSELECT ?event ?name ?start WHERE {\n"
         "  ?event a schema:Event ; schema:name ?name OPTIONAL { ?event schema:startDate ?start }\n}")
#: one page of every kind the site has (resource pages: one per kind of thing in the data)
PAGES = [
    "/", "/?lang=en", "/doc/", "/doc/event/", "/doc/organization/?lang=en", "/doc/place/",
    "/search?q=cooperativa", "/search?q=nessun-risultato-qui",
    "/doc/event/impresa-sociale-di-inserimento-lavorativo",
    "/doc/event/impresa-sociale-di-inserimento-lavorativo?lang=en",
    "/doc/organization/cisem", "/doc/organization/il-laboratorio", "/doc/person/carlo-borzaga",
    "/doc/place/cuneo", "/doc/series/webinar-cisem-2021", "/doc/role/borzaga-presidente-euricse",
    "/doc/concept/impresa-sociale", "/doc/article/comunicato-stampa-webinar-cisem-2021-06-14",
    "/doc/quotation/durando-lavoro-porta-cittadinanza-sociale", "/doc/legislation/legge-381-1991",
    "/doc/periodical/impresa-sociale", "/graph/press-release-2021-06-10",
    "/dataset", "/ontology", "/shapes", "/queries", "/queries/event-speakers",
    "/queries/people-roles?lang=en", "/network", "/sparql", "/sparql?query=" + quote(QUERY),
    "/doc/organization/no-such-thing", "/doc/event/?year=2021&lang=en", "/queries/timeline?lang=en",
    "/doc/?lang=xx",
]
WIDTHS = [(390, 844, True), (1280, 900, False)]


@pytest.fixture(scope="module")
def tab(chromium):
    return Tab(chromium)


@pytest.mark.parametrize("width, height, mobile", WIDTHS, ids=["390px", "1280px"])
@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_and_axe_finds_nothing_serious(tab, site, path, width, height,
                                                                mobile):
    tab.viewport(width, height, mobile=mobile)
    tab.goto(site + path)
    wide = widths(tab)
    # the layout viewport is the screen's width (the page's meta viewport says device-width)
    assert wide["layout"] <= width
    assert wide["scroll"] <= width, f"{path} at {width}px: {wide}"
    violations = serious_violations(tab)
    assert violations == [], f"{path} at {width}px:\n" + json.dumps(violations, indent=1)


def test_the_language_chosen_is_kept_from_page_to_page(tab, site):
    tab.viewport(1280, 900)
    tab.goto(f"{site}/?lang=en")
    for selector in ('header nav a[href^="/doc/"]', 'main a[href*="/doc/organization/"]',
                     'main a[href*="/doc/organization/cisem"]', 'header nav a[href^="/queries"]'):
        href = tab.click(selector)
        assert "lang=en" in href, (selector, href)
        assert tab.evaluate("document.documentElement.lang") == "en"
    # the switch leads to the same page in Italian, and Italian is kept from there on
    href = tab.click('header .langs a[hreflang="it"]')
    assert "lang=it" in href and tab.evaluate("document.documentElement.lang") == "it"
    href = tab.click('header nav a[href^="/network"]')
    assert "lang=it" in href and tab.evaluate("document.documentElement.lang") == "it"
