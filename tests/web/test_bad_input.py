"""Bad input to the pages for people: unknown things, hostile slugs and parameters, bad ``lang``
values, huge page numbers. Each is a clear 4xx in the reader's language (the Italian and English
messages below are the catalogue's, written out here by hand), never a 500, and nothing of the
request's own text comes back, in a page, a JSON answer or a line of text.

The parameters and query names come from the files in ``queries/`` (``event-speakers`` has
``$event`` and ``$speaker``; ``timeline`` ``$year``, an integer; ``places-identifiers`` ``$scheme``,
a string; ``people-roles`` ``$organization``, an IRI).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MARK = "zq<b>hostile</b>"  #: what must never come back
ENC = "zq%3Cb%3Ehostile%3C%2Fb%3E"
SLUG = "zq%3Cb%3Ehostile%3Ci%3E"  #: the same in a path segment (no slash)
PAGE = ("Il numero di pagina deve essere un numero intero da 1 a 10000.",
        "The page number must be a whole number from 1 to 10000.")
NO_THING = ("In questo dataset non c’è nulla con questo nome.", "There is no such thing in this dataset.")
PARAMETER = ("Un parametro della richiesta non è valido.", "A parameter of the request is not valid.")
NOT_IRI = ("Il parametro organization vuole un IRI http(s) o il tipo e il nome di una cosa",
           "The parameter organization takes an http(s) IRI or a thing's kind and name")

#: (address, status, the message in Italian, in English)
CASES = [
    ("/doc/event/?page=99999999999999999999", 400, *PAGE),
    ("/doc/event/?page=-1", 400, *PAGE),
    (f"/doc/event/?page={ENC}", 400, *PAGE),
    ("/doc/event/?page=9999", 404, "Questo elenco non ha tante pagine.", "This list has fewer pages."),
    (f"/doc/organization/?sort={ENC}", 400, *PARAMETER),
    (f"/doc/organization/?type={ENC}{'x' * 600}", 400, *PARAMETER),
    (f"/search?q={ENC}{'x' * 300}", 400, "Il testo da cercare è troppo lungo",
     "The search text is too long"),
    (f"/doc/event/{SLUG}", 404, *NO_THING),
    (f"/doc/{SLUG}/cisem", 404, *NO_THING),
    (f"/doc/{SLUG}/", 404, *NO_THING),
    (f"/id/organization/{SLUG}", 404, *NO_THING),
    (f"/graph/{SLUG}", 404, *NO_THING),
    ("/doc/organization/..%2F..%2Fetc%2Fpasswd", 404, "Qui non c’è nulla", "There is nothing here"),
    (f"/nowhere/{ENC}", 404, "Qui non c’è nulla", "There is nothing here"),
    ("/doc/organization/cisem.exe", 404, "Non esiste un documento con questo suffisso",
     "There is no such document"),
    ("/dataset.exe", 404, "Questo documento non esiste in questo formato; quelli offerti sono .ttl",
     "This document does not come in that format; the ones offered are .ttl"),
    ("/queries/event-speakers.exe", 404,
     "Questo documento non esiste in questo formato; quelli offerti sono .json, .csv, .tsv, .rq",
     "This document does not come in that format; the ones offered are .json, .csv, .tsv, .rq"),
    (f"/queries/{SLUG}", 404, "Non c’è un’interrogazione pronta con questo nome",
     "There is no ready-made query by this name"),
    (f"/queries/event-speakers?{ENC}=1", 400,
     "Questa interrogazione non ha un parametro con questo nome; i suoi: event, speaker.",
     "This query has no parameter by that name; its parameters: event, speaker."),
    (f"/queries/people-roles?organization={ENC}", 400, *NOT_IRI),
    (f"/queries/people-roles?organization=https%3A%2F%2F{ENC}", 400, *NOT_IRI),
    (f"/queries/people-roles?organization={'x' * 2001}", 400,
     "Il valore del parametro organization supera i 2000 caratteri.",
     "The value of the parameter organization is longer than 2000 characters."),
    ("/queries/people-roles?" + "&".join(f"organization=o{i}" for i in range(21)), 400,
     "Il parametro organization accetta al massimo 20 valori.",
     "The parameter organization takes at most 20 values."),
    (f"/queries/timeline?year=12{ENC}", 400, "Il parametro year vuole un numero intero",
     "The parameter year takes a whole number"),
    (f"/queries/places-identifiers?scheme=ISTAT%0A{ENC}", 400,
     "Il valore del parametro scheme non può contenere caratteri di controllo",
     "The value of the parameter scheme cannot hold control characters"),
    (f"/dumps/{SLUG}.ttl", 404, "Questo file non è fra quelli scaricabili: cisem.jsonld",
     "This file is not one of the downloads: cisem.jsonld"),
    ("/sitemap-7.xml", 404, "La mappa del sito non ha una parte con questo numero",
     "The sitemap has no part by that number"),
]


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def message(html: str) -> str:
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    assert found, html[:500]
    return unescape(found.group(1))


@pytest.mark.parametrize("path, status, italian, english", CASES)
def test_bad_input_is_a_clear_4xx_in_the_readers_language(client, path, status, italian, english):
    for lang, says in (("it", italian), ("en", english)):
        response = client.get(with_lang(path, lang), headers={"Accept": BROWSER})
        assert response.status_code == status, (path, lang)
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert says in message(html), (path, lang)
        assert "hostile" not in html and "x" * 300 not in html
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path, status", [(path, status) for path, status, *_ in CASES])
@pytest.mark.parametrize("accept", ["application/json", "text/plain", "*/*"])
def test_programs_get_the_same_status_and_no_echo(client, path, status, accept):
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert "hostile" not in body and "x" * 300 not in body
    assert all("hostile" not in value for _, value in response.headers.items())


@pytest.mark.parametrize("lang", ["xx", "de", "<script>", "it,en", "IT", "it ", "en-GB"])
@pytest.mark.parametrize("path", ["/", "/doc/", "/doc/event/", "/search?q=cisem",
                                  "/doc/organization/cisem", "/dataset", "/queries",
                                  "/queries/event-speakers", "/network", "/sparql"])
def test_a_bad_lang_is_400_in_the_browsers_language(client, path, lang):
    url = f"{path}{'&' if '?' in path else '?'}lang={quote(lang)}"
    for prefers, says in (("it", "La lingua si sceglie con lang=it (italiano) o lang=en (inglese)"),
                          ("en-GB,en;q=0.8", "The language is chosen with lang=it (Italian) or lang=en")):
        response = client.get(url, headers={"Accept": BROWSER, "Accept-Language": prefers})
        assert response.status_code == 400, (path, lang)
        html = response.get_data(as_text=True)
        assert says in message(html)
        assert "<script>" not in html.replace("<script type", "") and "en-GB" not in html
    twin = client.get(f"/doc/event.json?lang={quote(lang)}")
    assert twin.status_code == 400 and twin.get_json()["status"] == 400


def test_two_languages_at_once_are_refused_and_a_blank_one_is_none(client):
    assert client.get("/doc/?lang=it&lang=en", headers={"Accept": BROWSER}).status_code == 400
    assert client.get("/doc/?lang=en&lang=en", headers={"Accept": BROWSER}).status_code == 200
    blank = client.get("/doc/?lang=", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert blank.status_code == 200 and '<html lang="en">' in blank.get_data(as_text=True)
