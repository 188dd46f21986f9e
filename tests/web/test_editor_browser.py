"""The query editor in a real headless Chromium, against the real `cisem-graph serve`.

Reuses the DevTools-Protocol client of ``cdp.py`` (Debian's ``chromium``, nothing
downloaded; without a browser the tests skip and say how to install one). Expected rows come from
the source text: at the webinar of 14 June 2021 Alessandro Durando, Carlo Borzaga and the
cooperatives Il Laboratorio and Cascina Pensolato speak.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cdp import TIMEOUT, Tab

WEBINAR = "/doc/event/impresa-sociale-di-inserimento-lavorativo"
SPEAKERS = {"Alessandro Durando": "/doc/person/alessandro-durando",
            "Carlo Borzaga": "/doc/person/carlo-borzaga",
            "Il Laboratorio": "/doc/organization/il-laboratorio",
            "Cascina Pensolato": "/doc/organization/cascina-pensolato"}
EVENT_IRI = "https://w3id.org/cisem/id/event/impresa-sociale-di-inserimento-lavorativo"
# undeclared on purpose: the editor declares schema: before running
PERFORMERS = ("SELECT DISTINCT ?who ?whoName WHERE {\n"
              f"  <{EVENT_IRI}> schema:performer ?who .\n"
              '  ?who schema:name ?whoName FILTER(LANG(?whoName) = "it")\n'
              "}\n")
CTRL = 2  # the DevTools modifier bit for Ctrl
SHIFT = 8

#: the rows of the rendered result table: per row, per cell, its text and its link (if any)
TABLE_JS = """Array.from(document.querySelectorAll('#results table.results tbody tr')).map(tr =>
  Array.from(tr.cells).map(td => { const a = td.querySelector('a');
    return {text: td.textContent, href: a ? a.href : null}; }))"""
HEADERS_JS = ("Array.from(document.querySelectorAll('#results table.results thead th'))"
              ".map(th => th.textContent)")


@pytest.fixture
def tab(chromium, site):
    tab = Tab(chromium)
    target = chromium.call("Target.getTargetInfo", tab.session)["targetInfo"]["targetId"]
    yield tab
    # Everything the page fetched came from the local server.
    urls = tab.requested_urls()
    assert urls
    assert all(u.startswith(site + "/") or u.startswith(("about:", "data:")) for u in urls), urls
    chromium.call("Target.closeTarget", targetId=target)


def wait_until(tab: Tab, expression: str, what: str):
    """Poll ``expression`` in the page until it is truthy; return its value."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = tab.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"{what}: {expression}")


def open_editor(tab: Tab, url: str) -> None:
    tab.goto(url)
    wait_until(tab, "!!window.cisemEditor && document.getElementById('editor')"
                    ".classList.contains('enhanced')", "the editor script did not start")


def key(tab: Tab, name: str, code: int, modifiers: int = 0) -> None:
    for kind in ("keyDown", "keyUp"):
        tab.browser.call("Input.dispatchKeyEvent", tab.session, type=kind, key=name, code=name,
                         windowsVirtualKeyCode=code, nativeVirtualKeyCode=code, modifiers=modifiers)


def set_query(tab: Tab, text: str) -> None:
    """Replace the editor's text as a user would: select all, type the new text."""
    tab.evaluate("(() => { const q = document.getElementById('query'); q.focus(); q.select(); })()")
    tab.browser.call("Input.insertText", tab.session, text=text)


def run_and_wait(tab: Tab) -> None:
    """Ctrl+Enter in the editor, then wait for the answer (or the error) to be drawn."""
    tab.evaluate("document.getElementById('status').textContent = ''")
    tab.evaluate("document.getElementById('query').focus()")
    key(tab, "Enter", 13, CTRL)
    wait_until(tab, "!document.getElementById('sparql-form').hasAttribute('aria-busy') && "
                    "(document.getElementById('status').textContent !== '' || "
                    "!document.getElementById('error').hidden)", "no answer was drawn")


def speakers_of_the_webinar(rows: list[list[dict]], site: str) -> dict[str, str]:
    return {cell["text"]: cell["href"] for row in rows
            if any(c["href"] == site + WEBINAR for c in row)
            for cell in row if cell["href"] and cell["href"].startswith(site + "/doc/")
            and cell["href"] != site + WEBINAR and "/doc/role/" not in cell["href"]
            and cell["text"] in SPEAKERS}


def test_pick_an_example_run_it_and_sort(tab, site):
    open_editor(tab, f"{site}/sparql")
    assert tab.evaluate("document.documentElement.lang") == "it"
    # the default query is highlighted: keywords, variables, IRIs, prefixed names, strings
    kinds = tab.evaluate("Array.from(new Set(Array.from(document.querySelectorAll("
                         "'.editor-highlight span[class^=tok-]')).map(s => s.className)))")
    assert {"tok-keyword", "tok-variable", "tok-iri", "tok-pname", "tok-string"} <= set(kinds)
    # the highlighted copy lies exactly under the textarea and holds the same text
    assert tab.evaluate("""(() => {
        const q = document.getElementById('query').getBoundingClientRect(),
              h = document.querySelector('.editor-highlight').getBoundingClientRect();
        return [q.top, q.left, q.width, q.height].join() === [h.top, h.left, h.width, h.height].join();
    })()""")
    assert tab.evaluate("Array.from(document.querySelectorAll('.editor-highlight .line'))"
                        ".map(l => l.textContent.trimEnd()).join('\\n') === "
                        "document.getElementById('query').value.split('\\n').map(l => l.trimEnd())"
                        ".join('\\n')")

    # pick the canned query "speakers of each event"
    title = tab.evaluate("document.querySelector('#examples option[value=\"event-speakers\"]').text")
    assert title.startswith("Relatori di ogni evento")
    tab.evaluate("(() => { const s = document.getElementById('examples'); s.value = 'event-speakers';"
                 " s.dispatchEvent(new Event('change')); })()")
    query = tab.evaluate("document.getElementById('query').value")
    assert "schema:performer" in query and query.startswith("PREFIX ")
    assert "schema:performer" in tab.evaluate(
        "document.getElementById('example-description').textContent")
    run_and_wait(tab)
    assert tab.evaluate("document.getElementById('error').hidden"), tab.evaluate(
        "document.getElementById('error').textContent")
    assert "?speaker" in query and "speaker" in tab.evaluate(HEADERS_JS)
    rows = tab.evaluate(TABLE_JS)
    found = speakers_of_the_webinar(rows, site)
    assert found == {name: site + path for name, path in SPEAKERS.items()}, rows
    assert "risultati" in tab.evaluate("document.getElementById('status').textContent")

    # the address bar is now the permalink of what ran; downloads follow the query
    href = tab.evaluate("location.href")
    assert parse_qs(urlsplit(href).query)["query"] == [query]
    assert tab.evaluate("document.getElementById('permalink').href") == href
    csv = tab.evaluate("fetch(document.querySelector('a[data-format=csv]').href)"
                       ".then(r => r.text())")
    assert all(name in csv for name in SPEAKERS)

    # sort by the speaker's name: ascending, then descending
    headers = tab.evaluate(HEADERS_JS)
    column = headers.index("speakerName")
    button = f"document.querySelectorAll('#results thead th button.sort')[{column}]"
    values = ("Array.from(document.querySelectorAll('#results tbody tr'))"
              f".map(r => r.cells[{column}].dataset.sort)")
    tab.evaluate(f"{button}.click()")
    ascending = tab.evaluate(values)
    assert ascending == sorted(ascending, key=str.casefold)
    assert tab.evaluate(f"{button}.parentElement.getAttribute('aria-sort')") == "ascending"
    tab.evaluate(f"{button}.click()")
    assert tab.evaluate(values) == sorted(ascending, key=str.casefold, reverse=True)
    assert tab.evaluate(f"{button}.parentElement.getAttribute('aria-sort')") == "descending"


def test_a_syntax_error_shows_line_and_column_and_marks_the_line(tab, site):
    open_editor(tab, f"{site}/sparql")
    set_query(tab, "SELECT * WHERE {\n  ?s ?p\n}")
    run_and_wait(tab)
    error = tab.evaluate("document.getElementById('error').textContent")
    assert "400" in error and "Syntax error at line 3" in error
    assert "riga 3, colonna" in error
    assert tab.evaluate("document.getElementById('error').dataset.line") == "3"
    marked = tab.evaluate("Array.from(document.querySelectorAll('.editor-highlight .line'))"
                          ".findIndex(l => l.classList.contains('error-line'))")
    assert marked == 2  # the third line
    assert tab.evaluate("document.getElementById('query').getAttribute('aria-invalid')") == "true"
    # "riga 3" puts the caret on that line
    tab.evaluate("document.querySelector('#error .error-at').click()")
    caret = tab.evaluate("document.getElementById('query').selectionStart")
    assert caret >= len("SELECT * WHERE {\n  ?s ?p\n")
    # correcting the query clears the mark
    tab.browser.call("Input.insertText", tab.session, text=" ")
    assert tab.evaluate("document.querySelectorAll('.editor-highlight .error-line').length") == 0


def test_keys_indent_declare_prefixes_and_run(tab, site):
    open_editor(tab, f"{site}/sparql?lang=en")
    set_query(tab, "SELECT DISTINCT ?who WHERE {")
    key(tab, "Enter", 13)  # keeps indentation, one step in after a brace
    tab.browser.call("Input.insertText", tab.session, text=f"<{EVENT_IRI}> schema:performer ?who")
    key(tab, "Enter", 13)
    key(tab, "Tab", 9)  # Tab indents instead of leaving the editor
    tab.browser.call("Input.insertText", tab.session, text="}")
    text = tab.evaluate("document.getElementById('query').value")
    assert text == (f"SELECT DISTINCT ?who WHERE {{\n  <{EVENT_IRI}> schema:performer ?who\n"
                    "    }")
    assert tab.evaluate("document.activeElement.id") == "query"
    key(tab, "Tab", 9, SHIFT)  # Shift+Tab outdents the line
    assert tab.evaluate("document.getElementById('query').value").endswith("\n  }")
    run_and_wait(tab)  # Ctrl+Enter; schema: is declared first
    text = tab.evaluate("document.getElementById('query').value")
    assert text.startswith("PREFIX schema: <https://schema.org/>\nSELECT DISTINCT ?who")
    assert "schema" in tab.evaluate("document.getElementById('editor-notice').textContent")
    found = {row[0]["text"]: row[0]["href"] for row in tab.evaluate(TABLE_JS)}
    # no label column: IRIs under the base by their compact names, linked to this host's pages in
    # the language the reader chose (?lang=en)
    assert found == {f"{path.split('/')[2]}:{path.split('/')[3]}": f"{site}{path}?lang=en"
                     for path in SPEAKERS.values()}
    assert "4 results" in tab.evaluate("document.getElementById('status').textContent")
    # Esc, then Tab leaves the editor
    tab.evaluate("document.getElementById('query').focus()")
    key(tab, "Escape", 27)
    key(tab, "Tab", 9)
    assert tab.evaluate("document.activeElement.id") != "query"


def test_a_permalink_opens_the_query_and_its_results(tab, site):
    query = "PREFIX schema: <https://schema.org/>\n" + PERFORMERS
    url = f"{site}/sparql?{urlencode({'query': query})}"
    open_editor(tab, url)
    assert tab.evaluate("document.getElementById('query').value") == query
    rows = tab.evaluate(TABLE_JS)
    assert {row[0]["text"]: row[0]["href"] for row in rows} == {
        name: site + path for name, path in SPEAKERS.items()}
    # the server's table is sortable once the script has run
    tab.evaluate("document.querySelector('#results thead th button.sort').click()")
    assert [row[0]["text"] for row in tab.evaluate(TABLE_JS)] == sorted(SPEAKERS)
    # and a hostile query stays text
    hostile = 'SELECT * WHERE { ?s ?p "</textarea><script>window.pwned = 1</script>" }'
    open_editor(tab, f"{site}/sparql?{urlencode({'query': hostile})}")
    assert tab.evaluate("document.getElementById('query').value") == hostile
    assert tab.evaluate("window.pwned === undefined")
    assert tab.evaluate("document.scripts.length") == 2  # editor.js and the config, nothing else
    assert json.loads(tab.evaluate("document.getElementById('editor-config').textContent"))
