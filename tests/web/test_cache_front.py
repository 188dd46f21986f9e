"""The README's cache in front, for real: Debian's Varnish with ``deploy/varnish.vcl`` before the real
``cisem-graph serve``. Repeated GETs of a page, a query answer and a versioned dump are answered by
the cache; a different ``Accept`` is never answered with another format's body; after
``cisem-graph reload`` the next answer through the cache is the new version's."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message

import pytest
from click.testing import CliRunner
from oxiserver import free_port

from cisem_graph.cli import cli
from cisem_graph.config import Settings
from cisem_graph.graph.pipeline import build

TOKEN = "cache-front-token-0123456789"
REMOVED = "lafedelta-2017-09-19.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PAGE = "/doc/organization/camera-di-commercio-di-cuneo"


def get(url: str, **headers: str) -> tuple[int, Message, bytes]:
    """(status, headers: names in any case, as Varnish writes them lower-case, body)."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def count_of(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def twice(url: str, **headers: str) -> tuple[tuple[int, Message, bytes], tuple[int, Message, bytes]]:
    return get(url, **headers), get(url, **headers)


def test_the_cache_answers_repeated_gets_until_a_reload(project_copy, live_server, varnish,
                                                        tmp_path):
    settings = Settings(root=project_copy)
    full, _ = build(settings)  # served first
    shutil.move(project_copy / "data" / REMOVED, tmp_path / REMOVED)
    fewer, _ = build(settings, tmp_path / "other-dist")  # what the reload will serve
    shutil.move(tmp_path / REMOVED, project_copy / "data" / REMOVED)
    assert full.triples != fewer.triples

    backend = free_port()
    cache = varnish(backend)
    env = {"CISEM_ROOT": str(project_copy), "CISEM_DIST_DIR": str(project_copy / "dist"),
           "CISEM_ADMIN_TOKEN": TOKEN, "CISEM_CACHE_SHARED_MAX_AGE": "86400",
           "CISEM_CACHE_BAN_URLS": cache + "/", "CISEM_TRUSTED_PROXIES": "127.0.0.1"}
    with live_server(port=backend, **env) as (_, url):
        # a page, a query answer and a dump under its version: a miss, then the cache's hit
        query = cache + "/sparql?" + urllib.parse.urlencode({"query": COUNT, "format": "json"})
        dump = next(name for name in full.files if name.endswith(".nq"))
        for target, headers in ((cache + PAGE, {"Accept": "text/html"}), (query, {}),
                                (f"{cache}/dumps/{full.version}/{dump}", {})):
            first, second = twice(target, **headers)
            assert first[0] == second[0] == 200, target
            assert (first[1]["X-Cache"], second[1]["X-Cache"]) == ("MISS", "HIT"), target
            assert second[2] == first[2] and second[1]["ETag"] == first[1]["ETag"]
            assert second[1]["X-Dataset-Version"] == full.version
        assert count_of(get(query)[2]) == full.triples
        assert get(f"{cache}/dumps/{full.version}/{dump}")[1]["Cache-Control"] == \
            "public, max-age=31536000, immutable"
        # Vary: another Accept is another representation, never the cached one
        status, headers, body = get(cache + PAGE, Accept="text/turtle")
        assert status == 200 and headers["Content-Type"].startswith("text/turtle")
        assert headers["X-Cache"] == "MISS" and not body.lstrip().startswith(b"<!")

        # reload (asked of the server itself): the cache is told, the next answers are new
        shutil.move(project_copy / "data" / REMOVED, tmp_path / REMOVED)
        outcome = CliRunner().invoke(cli, ["reload", "--url", url],
                                     env={"CISEM_ADMIN_TOKEN": TOKEN})
        assert outcome.exit_code == 0, outcome.output
        assert "not told" not in outcome.output
        status, headers, body = get(query)
        assert status == 200 and headers["X-Cache"] == "MISS"
        assert headers["X-Dataset-Version"] == fewer.version and count_of(body) == fewer.triples
        status, headers, _ = get(cache + PAGE, Accept="text/html")
        assert status == 200 and headers["X-Cache"] == "MISS"
        assert headers["X-Dataset-Version"] == fewer.version
        assert get(query)[1]["X-Cache"] == "HIT"  # and the new answers are cached in turn


def test_a_ban_without_a_version_is_refused(varnish):
    cache = varnish(free_port())  # no backend needed: the cache answers BAN itself
    request = urllib.request.Request(cache + "/", method="BAN")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    with info.value:
        assert info.value.code == 400
