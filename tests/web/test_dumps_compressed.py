"""``/dumps/cisem.nq.gz``: the N-Quads dump compressed at build time, served as it is."""

from __future__ import annotations

import gzip
import hashlib

from rdflib import URIRef
from rdflib.namespace import DCAT


def test_the_compressed_dump_is_the_nquads_dump_gzipped(client, dist_dir):
    release = (dist_dir / "current").resolve()
    with client.get("/dumps/cisem.nq.gz", headers={"Accept-Encoding": "gzip"}) as response:
        body = response.get_data()
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers  # not compressed twice
    assert hashlib.sha256(body).hexdigest() == response.headers["ETag"].strip('"')
    assert gzip.decompress(body) == (release / "cisem.nq").read_bytes()


def test_the_dataset_offers_it_as_a_compressed_distribution(client):
    from rdflib import Graph

    with client.get("/dataset.ttl") as response:
        graph = Graph().parse(data=response.get_data(), format="turtle")
    dist = URIRef("https://w3id.org/cisem/dataset#dump-nq.gz")
    assert (None, DCAT.distribution, dist) in graph
    assert graph.value(dist, DCAT.compressFormat) == URIRef(
        "https://www.iana.org/assignments/media-types/application/gzip")
    assert graph.value(dist, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/n-quads")
    assert graph.value(dist, DCAT.downloadURL) == URIRef("https://w3id.org/cisem/dumps/cisem.nq.gz")
    assert graph.value(dist, DCAT.byteSize) is not None
