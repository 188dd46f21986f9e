"""The four workloads, as lists of SPARQL queries (SELECT, JSON results, GET).

- ``lookup``: one resource's triples, ``SELECT ?p ?o WHERE { <iri> ?p ?o }``, over every thing of
  the dataset (14k IRIs) in a seeded shuffled order: each request names another IRI (cache-cold).
- ``lookup-same``: the same query for one IRI again and again (our answer cache / ETag path).
- ``join``: the events a person performed at, with their Italian name, start date, the organizer's
  Italian name and every performer's name (a 6-pattern join anchored on the person, about 6 rows,
  ``ORDER BY``, ``LIMIT 100``), over every person (4.5k) in a shuffled order: cache-cold.
- ``aggregate``: per organizer, events and distinct performers in a one-year window, grouped,
  ordered by count, top 20 (it scans every event: engine-bound); each request another window.
"""

from __future__ import annotations

import random
from datetime import timedelta
from urllib.parse import quote

from dataset import Synthetic

PREFIXES = ("PREFIX schema: <https://schema.org/>\n"
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
ACCEPT_JSON = "application/sparql-results+json"
#: distinct windows per windowed workload: longer than a run's requests reach in a cell at our
#: rates, and far more than the answer cache holds
WINDOWS = 20_000
WORKLOADS = ("lookup", "lookup-same", "join", "aggregate")


def lookup_query(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def join_query(person: str) -> str:
    return PREFIXES + f"""SELECT ?event ?name ?start ?organizerName ?performerName WHERE {{
  ?event schema:performer <{person}> ; schema:name ?name ; schema:startDate ?start ;
         schema:organizer ?org ; schema:performer ?performer .
  FILTER(lang(?name) = "it")
  ?org schema:name ?organizerName .
  FILTER(lang(?organizerName) = "it")
  ?performer schema:name ?performerName .
}} ORDER BY ?start ?performerName LIMIT 100"""


def aggregate_query(start: str, end: str) -> str:
    return PREFIXES + f"""SELECT ?org (COUNT(DISTINCT ?event) AS ?events)
       (COUNT(DISTINCT ?performer) AS ?performers) WHERE {{
  ?event a schema:Event ; schema:startDate ?start ; schema:organizer ?org ;
         schema:performer ?performer .
  FILTER(?start >= "{start}"^^xsd:dateTime && ?start < "{end}"^^xsd:dateTime)
}} GROUP BY ?org ORDER BY DESC(?events) ?org LIMIT 20"""


def queries(data: Synthetic, seed: int = 7) -> dict[str, list[str]]:
    """Workload name -> the queries its requests cycle through."""
    rng = random.Random(seed)
    things = [iri for kind in sorted(data.iris) for iri in data.iris[kind]]
    rng.shuffle(things)
    persons = list(data.iris["person"])
    rng.shuffle(persons)
    first, last = data.first_event, data.last_event

    def windows(days: int) -> list[tuple[str, str]]:
        span = int((last - first - timedelta(days=days)).total_seconds() // 60)
        starts = rng.sample(range(span), WINDOWS)
        out = []
        for minutes in starts:
            begin = first + timedelta(minutes=minutes)
            out.append((begin.isoformat(), (begin + timedelta(days=days)).isoformat()))
        return out

    return {
        "lookup": [lookup_query(iri) for iri in things],
        "lookup-same": [lookup_query(data.iris["event"][0])],
        "join": [join_query(iri) for iri in persons],
        "aggregate": [aggregate_query(a, b) for a, b in windows(365)],
    }


def paths(endpoint: str, texts: list[str]) -> list[str]:
    """Request targets ``endpoint?query=...`` (percent-encoded)."""
    return [f"{endpoint}?query={quote(text, safe='')}" for text in texts]
