"""Every kind of page in a real headless Chromium, as a phone (390 px) and a desktop (1280 px) show it.

No page scrolls sideways: the document is never wider than the viewport (tables scroll inside their
own box). axe-core (``vendor/axe.min.js``, injected into each page) finds no serious or critical
violation of WCAG 2.1 A/AA: landmarks, headings, labels, contrast, names of links and controls.
Chromium is Debian's, driven by ``cdp.py``; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from cdp import Tab

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
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
    "/doc/organization/no-such-thing",
]
WIDTHS = [(390, 844, True), (1280, 900, False)]
AXE_RUN = """axe.run(document, {runOnly: {type: 'tag',
  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "vendor/axe.min.js is not the pinned file"
    return source.decode("utf-8")


@pytest.fixture(scope="module")
def tab(chromium):
    return Tab(chromium)


@pytest.mark.parametrize("width, height, mobile", WIDTHS, ids=["390px", "1280px"])
@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_and_axe_finds_nothing_serious(tab, site, axe_source, path, width,
                                                                height, mobile):
    tab.viewport(width, height, mobile=mobile)
    tab.goto(site + path)
    wide = tab.evaluate("""(() => { const d = document.documentElement;
      const over = Array.from(document.querySelectorAll('body *')).filter(e => {
        const r = e.getBoundingClientRect(); return r.right > d.clientWidth + 1 && r.width > 0; })
        .filter(e => !e.closest('.scroll, pre, svg'))
        .slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
      return {scroll: d.scrollWidth, layout: d.clientWidth, over: over}; })()""")
    # the layout viewport is the screen's width (the page's meta viewport says device-width)
    assert wide["layout"] <= width
    assert wide["scroll"] <= width, f"{path} at {width}px: {wide}"
    if tab.evaluate("typeof axe") != "object":
        tab.evaluate(axe_source + "\n;true")
    violations = tab.evaluate(AXE_RUN)
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
