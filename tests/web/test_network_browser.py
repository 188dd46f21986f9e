"""The network page in a real headless Chromium, against the real `cisem-graph serve`.

Reuses the DevTools-Protocol client of ``cdp.py`` (Debian's ``chromium``, nothing
downloaded; without a browser the test skips and says how to install one). The organizations
expected are those of ``tests/shipped_network.py``, written by hand from the data files; their names
come from the press release.
"""

from __future__ import annotations

import json
import time

from cdp import TIMEOUT, Tab
from shipped_network import ORGANIZATION_IRIS

CISEM = "https://w3id.org/cisem/id/organization/cisem"
SETTLED = "document.getElementById('network').dataset.settled === 'true'"
ORGANIZATIONS = ("Camera di Commercio di Cuneo", "Comitato Imprenditorialità Sociale E Microcredito",
                 "Euricse", "Il Laboratorio", "Cascina Pensolato")


def wait_until(tab: Tab, expression: str, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = tab.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    figure = tab.evaluate("document.getElementById('network').outerHTML.slice(0, 400)")
    raise TimeoutError(f"{what}: {figure}")


def node_centre(tab: Tab, iri: str) -> tuple[float, float]:
    """The centre of the node's circle in the viewport, after scrolling it into view; the node must
    be what a click there hits."""
    selector = json.dumps(f'#network g.node[data-iri="{iri}"]')
    x, y, hit = tab.evaluate(f"""(() => {{
      const g = document.querySelector({selector});
      g.querySelector('circle').scrollIntoView({{block: 'center', inline: 'center'}});
      const box = g.querySelector('circle').getBoundingClientRect();
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      const hit = document.elementFromPoint(x, y);
      return [x, y, hit && hit.closest('g.node') ? hit.closest('g.node').dataset.iri : null];
    }})()""")
    assert hit == iri, f"a click at the node of {iri} would hit {hit}"
    return x, y


def mouse(tab: Tab, kind: str, x: float, y: float, buttons: int = 1) -> None:
    tab.browser.call("Input.dispatchMouseEvent", tab.session, type=kind, x=x, y=y, button="left",
                     buttons=buttons, clickCount=1)


def test_the_network_in_a_real_browser(chromium, site):
    tab = Tab(chromium)
    page = f"{site}/network?lang=it"
    tab.goto(page)
    wait_until(tab, f"document.getElementById('network').dataset.state === 'drawn' && {SETTLED}",
               "the picture was not drawn")

    # the live picture replaced the static one, with a node for every organization of the graph
    assert tab.evaluate("document.querySelector('#network img')") is None
    drawn = tab.evaluate("Array.from(document.querySelectorAll("
                         "'#network svg g.node[data-kind=organization]')).map(g => g.dataset.iri)")
    assert set(drawn) == ORGANIZATION_IRIS
    # each node's name: beside it (shortened when long) and whole in its title
    titles = tab.evaluate("Array.from(document.querySelectorAll('#network svg g.node title'))"
                          ".map(t => t.textContent)")
    for name in ORGANIZATIONS:
        assert f"{name} (Organizzazioni)" in titles
    names = tab.evaluate("Array.from(document.querySelectorAll('#network svg g.node text'))"
                         ".map(t => t.textContent)")
    assert "Camera di Commercio di Cuneo" in names and "Comitato Imprenditorialità Sociale…" in names
    assert tab.evaluate("document.querySelectorAll('#network svg line.edge').length") > 10

    # the filter by kind hides the places in the picture and in the list, and shows them again
    tab.evaluate("document.querySelector('form.network-filter input[value=place]').click()")
    assert tab.evaluate("Array.from(document.querySelectorAll('#network g.node[data-kind=place]'))"
                        ".every(g => g.style.display === 'none')")
    assert tab.evaluate("document.getElementById('kind-place').hidden") is True
    assert tab.evaluate("getComputedStyle(document.querySelector('form.network-filter .apply'))"
                        ".display") == "none"
    wait_until(tab, SETTLED, "the layout did not settle")
    tab.evaluate("document.querySelector('form.network-filter input[value=place]').click()")
    assert tab.evaluate("Array.from(document.querySelectorAll('#network g.node[data-kind=place]'))"
                        ".every(g => g.style.display === '')")
    wait_until(tab, SETTLED, "the layout did not settle")

    # dragging a node moves it and opens nothing
    x, y = node_centre(tab, CISEM)
    before = tab.evaluate(f"document.querySelector('g.node[data-iri=\"{CISEM}\"]').getAttribute('transform')")
    mouse(tab, "mousePressed", x, y)
    for step in range(1, 6):
        mouse(tab, "mouseMoved", x + step * 12, y + step * 6)
    mouse(tab, "mouseReleased", x + 60, y + 30, buttons=0)
    wait_until(tab, f"document.querySelector('g.node[data-iri=\"{CISEM}\"]').getAttribute('transform')"
               f" !== {json.dumps(before)}", "the dragged node did not move")
    assert tab.evaluate("location.href") == page  # (no page was asked for: see the end)
    wait_until(tab, SETTLED, "the layout did not settle")

    # a click on a node opens its page, on the server that was asked, in the language chosen
    x, y = node_centre(tab, CISEM)
    mouse(tab, "mousePressed", x, y)
    mouse(tab, "mouseReleased", x, y, buttons=0)
    tab.wait_for(f"{site}/doc/organization/cisem?lang=it")
    assert "Comitato Imprenditorialità Sociale E Microcredito" in tab.evaluate(
        "document.querySelector('h1').textContent")

    # everything the browser fetched came from the local server
    urls = tab.requested_urls()
    # one request for the committee's page: the click's, none from the drag
    assert urls.count(f"{site}/doc/organization/cisem?lang=it") == 1, urls
    assert any(u.startswith(f"{site}/network.json") for u in urls)
    assert any(u.startswith(f"{site}/static/network.js") for u in urls)
    assert all(u.startswith(site + "/") or u.startswith(("about:", "data:")) for u in urls), urls


def test_the_sample_notice_in_a_real_browser(chromium, site):
    tab = Tab(chromium)
    tab.goto(f"{site}/network?limit=3&lang=en")
    wait_until(tab, "document.getElementById('network').dataset.state === 'drawn'", "not drawn")
    assert tab.evaluate("document.querySelectorAll('#network svg g.node').length") == 3
    assert "a sample of 3" in tab.evaluate("document.getElementById('network-notice').textContent")
