"""Which HTTP client should the remote store adapter use? Measured, not guessed.

Against one ``oxigraph serve`` holding the pushed bundled graph, the same one-resource lookups
(SPARQL JSON, the published graphs named with the Protocol's dataset parameters), sequentially:

- ``adapter``: ``RemoteStore.execute`` as the server runs it (``http.client``, kept-alive
  connection per thread, our JSON writer and result cap included);
- ``sparqlwrapper``: SPARQLWrapper 2.0 POST (urllib: a new connection per request) and its JSON
  conversion, the same dataset parameters;
- ``http.client``: the bare kept-alive POST and body read, no parsing: the floor for Python.

Prints median, p90 and min per request in ms, and each ratio against ``http.client``.
``python bench/remote_client.py [--n 2000]``; never run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from SPARQLWrapper import JSON, POST, SPARQLWrapper

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oxiserver import Oxigraph  # noqa: E402

from cisem_graph.config import Settings  # noqa: E402
from cisem_graph.formats import by_name  # noqa: E402
from cisem_graph.graph.pipeline import build  # noqa: E402
from cisem_graph.push import StoreEndpoints, push  # noqa: E402
from cisem_graph.store.remote import RemoteStore  # noqa: E402


def timed(call, n: int) -> list[float]:
    for _ in range(50):  # warm-up
        call(0)
    out = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        version, _ = build(settings, Path(tmp) / "dist")
        oxi = Oxigraph(Path(tmp) / "db").start()
        try:
            push(version, StoreEndpoints.from_settings(settings, oxi.base), settings)
            store = RemoteStore.for_version(oxi.url, version, settings)
            things = [row["s"] for row in oxi.select(
                "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")]
            queries = [f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}" for iri in things]
            prepared = [store.prepare(q) for q in queries]
            dataset = store._dataset(prepared[0])
            fmt = by_name("json")

            def adapter(i: int) -> None:
                store.execute(prepared[i % len(prepared)], fmt)

            def wrapper(i: int) -> None:
                sw = SPARQLWrapper(oxi.url)
                sw.setMethod(POST)
                sw.setReturnFormat(JSON)
                sw.setQuery(queries[i % len(queries)])
                for name, value in dataset:
                    sw.addParameter(name, value)
                sw.queryAndConvert()

            conn = http.client.HTTPConnection("127.0.0.1", oxi.port)
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "Accept": "application/sparql-results+json"}

            def bare(i: int) -> None:
                body = urllib.parse.urlencode([("query", queries[i % len(queries)]), *dataset])
                conn.request("POST", "/query", body=body, headers=headers)
                conn.getresponse().read()

            results = {"http.client": timed(bare, args.n), "adapter": timed(adapter, args.n),
                       "sparqlwrapper": timed(wrapper, args.n)}
            store.close()
        finally:
            oxi.stop()
    floor = statistics.median(results["http.client"])
    print(f"{len(things)} things, {args.n} sequential lookups each, oxigraph serve on loopback")
    print(f"{'client':<14} {'p50 ms':>8} {'p90 ms':>8} {'min ms':>8} {'p50 / http.client':>18}")
    for name, values in results.items():
        values.sort()
        p50 = statistics.median(values)
        print(f"{name:<14} {p50:8.3f} {values[int(len(values) * 0.9)]:8.3f} {values[0]:8.3f} "
              f"{p50 / floor:17.2f}x")


if __name__ == "__main__":
    main()
