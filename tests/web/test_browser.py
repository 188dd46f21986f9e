"""A real headless Chromium against the real `cisem-graph serve` on a loopback port.

Chromium is driven through the Chrome DevTools Protocol over ``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on file descriptors 3 (to the browser) and 4 (from it), so the
client below needs nothing but the standard library, and no driver or browser is ever
downloaded. The browser is Debian's ``chromium`` (``.ci/run`` installs it); without one the test
skips and says how to install it.
"""

from __future__ import annotations

import json

from cdp import Tab

WEBINAR = "/doc/event/impresa-sociale-di-inserimento-lavorativo"
CISEM = "/doc/organization/cisem"


def test_a_reader_walks_the_site_in_a_real_browser(chromium, site):
    tab = Tab(chromium)

    # The home page: its title, the dataset's JSON-LD, the webinar of 14 June 2021.
    home = f"{site}/?lang=it"
    tab.goto(home)
    assert "Rete dell'economia sociale della provincia di Cuneo" in tab.title()
    (dataset,) = [d for d in tab.jsonld() if d.get("@type") == "Dataset"]
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert tab.evaluate("document.documentElement.lang") == "it"
    webinar_link = f'#events a[href^="{WEBINAR}"]'
    assert "14 giugno 2021" in tab.evaluate(
        f"document.querySelector({json.dumps(webinar_link)}).parentElement.textContent")

    # Home → the webinar's page: its title and its schema.org Event in the rendered DOM.
    href = tab.click(webinar_link)
    assert href == f"{site}{WEBINAR}?lang=it"
    assert "impresa sociale di inserimento lavorativo" in tab.title().lower()
    events = [d for d in tab.jsonld() if d.get("@type") == "Event"]
    assert events, tab.jsonld()
    event = events[0]
    assert event["startDate"] == "2021-06-14T18:00:00+02:00"
    assert "impresa sociale di inserimento lavorativo" in event["name"].lower()
    tab.back(home)

    # Home → the list of organizations → CISeM's page → back, twice, to the home page.
    organizations = tab.click('#browse a[href^="/doc/organization/"]')
    assert organizations.startswith(f"{site}/doc/organization/")
    # (the list links to the host that was asked, in full)
    cisem = tab.click(f'main a[href^="{site}{CISEM}"]')
    assert cisem.startswith(f"{site}{CISEM}")
    assert "Comitato Imprenditorialità Sociale E Microcredito" in tab.evaluate(
        "document.querySelector('h1').textContent")
    tab.back(organizations)
    tab.back(home)
    assert "Rete dell'economia sociale" in tab.title()

    # Everything the browser fetched came from the local server.
    urls = tab.requested_urls()
    assert urls
    assert all(u.startswith(site + "/") or u.startswith(("about:", "data:")) for u in urls), urls
