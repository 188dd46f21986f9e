"""``cisem-graph push`` against a real ``oxigraph serve``: what is published is exactly the data
files graph by graph (read back whole and compared with rdflib), the switch is all or nothing, a
second push of the same version writes nothing, and a push cut short by the store going away
leaves the published graphs as they were."""

from __future__ import annotations

import base64
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from data_files import METADATA, assert_isomorphic, graphs_of_files, merged, named_graphs
from oxiserver import OXIGRAPH, Oxigraph, free_port
from rdflib import Dataset, Graph

from cisem_graph import push as push_module
from cisem_graph.cli import cli
from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.errors import ConfigError, PushFailed, StoreUnavailable
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.version import DatasetVersion
from cisem_graph.push import StoreEndpoints, push
from cisem_graph.store import open_store
from cisem_graph.store.remote import MERGE_PREFIX, PUBLICATION, STAGING_PREFIX, Publication, merge_graph

pytestmark = pytest.mark.usefixtures("oxigraph_cli")

REMOVED = "lafedelta-2017-09-19"


@pytest.fixture
def oxi(tmp_path):
    server = Oxigraph(tmp_path / "db").start()
    yield server
    server.stop()


def other_version(root: Path, settings, change) -> DatasetVersion:
    """A copy of the project in ``root``, changed, built into ``root/dist`` (so the version's
    ``path.parents[1]`` is its project folder)."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(settings.root / name, root / name)
    change(root / "data")
    version, _ = build(Settings(root=root), root / "dist")
    return version


@pytest.fixture(scope="module")
def second(tmp_path_factory, settings) -> DatasetVersion:
    """Another version: the shipped data without one source file (its graph must disappear)."""
    return other_version(tmp_path_factory.mktemp("second"), settings,
                         lambda data: (data / f"{REMOVED}.ttl").unlink())


@pytest.fixture(scope="module")
def third(tmp_path_factory, settings) -> DatasetVersion:
    """A third version: the second with one name written otherwise."""
    def change(data: Path) -> None:
        (data / f"{REMOVED}.ttl").unlink()
        press = data / "press-release-2021-06-10.ttl"
        press.write_text(press.read_text(encoding="utf-8").replace(
            "Sociale E Microcredito\"@it", "Sociale e Microcredito\"@it"), encoding="utf-8")

    return other_version(tmp_path_factory.mktemp("third"), settings, change)


def endpoints(server: Oxigraph, settings) -> StoreEndpoints:
    return StoreEndpoints.from_settings(settings, server.base)


def expected_graphs(version: DatasetVersion, root: Path) -> dict[str, Graph]:
    """What a push of ``version`` publishes: each data file of ``root`` as its named graph (read by
    rdflib alone), the metadata graph of the version's dump, and the merge of them all."""
    graphs = graphs_of_files(root)
    dump = Dataset()
    dump.parse(version.dump_path("nq"), format="nquads")
    graphs[METADATA] = named_graphs(dump)[METADATA]
    graphs[merge_graph(version.version)] = merged(graphs.values())
    return graphs


def assert_store_holds(server: Oxigraph, expected: dict[str, Graph]) -> None:
    """The published graphs of the store, read back whole (GET /store), are ``expected``."""
    dataset = Dataset()
    dataset.parse(data=server.quads(), format="nquads")
    graphs = {iri: graph for iri, graph in named_graphs(dataset).items()
              if iri != PUBLICATION and not iri.startswith(STAGING_PREFIX)}
    assert set(graphs) == set(expected)
    for iri, graph in expected.items():
        assert_isomorphic(graphs[iri], graph, f"<{iri}> in the store")


def leftovers(server: Oxigraph) -> list[str]:
    """What an interrupted push leaves: staging graphs, and merge graphs the record does not name."""
    record = Publication.from_rows(server.select(Publication.QUERY))
    kept = {record.merge, record.previous_merge} if record is not None else set()
    return [g for g in server.graph_counts() if g.startswith(STAGING_PREFIX)
            or (g.startswith(MERGE_PREFIX) and g not in kept)]


def published(server: Oxigraph) -> dict[str, int]:
    """Every graph in the store but the publication record and leftovers."""
    left = leftovers(server)
    return {g: n for g, n in server.graph_counts().items() if g != PUBLICATION and g not in left}


def test_push_publishes_the_data_files_graph_by_graph(oxi, built, settings):
    version = built[0]
    report = push(version, endpoints(oxi, settings), settings)
    assert report.changed and report.version == version.version
    assert_store_holds(oxi, expected_graphs(version, PROJECT_ROOT))
    assert not leftovers(oxi)
    record = oxi.select(f"SELECT ?o {{ GRAPH <{PUBLICATION}> {{ ?s <{PUBLICATION}#version> ?o }} }}")
    assert record == [{"o": version.version}]


def assert_merge_shares_blank_nodes(server, version: DatasetVersion) -> None:
    """Every triple of the merge about a blank node is a named graph's, with the very node."""
    merge = merge_graph(version.version)
    rows = server.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <" + merge + "> { ?b ?p ?o } "
                         "FILTER(isBlank(?b)) FILTER NOT EXISTS { GRAPH ?g { ?b ?p ?o } "
                         "FILTER(?g != <" + merge + ">) } }")
    assert rows == [{"n": "0"}]
    rows = server.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <" + merge + "> { ?b ?p ?o } "
                         "FILTER(isBlank(?b)) }")
    assert int(rows[0]["n"]) > 0  # there are blank nodes to share


def test_merge_shares_the_blank_nodes_of_the_named_graphs(oxi, built, settings):
    """The merge is made in the store, so its blank nodes are the named graphs' own."""
    push(built[0], endpoints(oxi, settings), settings)
    assert_merge_shares_blank_nodes(oxi, built[0])


def test_a_request_per_graph_publishes_the_same(oxi, built, settings, monkeypatch):
    """Uploads of one graph at a time (a large dataset's): each graph's blank nodes, in the graph
    and in the merge, travel in one request, so the store holds the same graphs."""
    monkeypatch.setattr(push_module, "UPLOAD_BYTES", 1)
    posted = []
    real_post = push_module._Client.post
    monkeypatch.setattr(push_module._Client, "post",
                        lambda self, body: posted.append(body) or real_post(self, body))
    push(built[0], endpoints(oxi, settings), settings)
    assert len(posted) == len(graphs_of_files(PROJECT_ROOT)) + 1  # the data files and the metadata
    assert_store_holds(oxi, expected_graphs(built[0], PROJECT_ROOT))


def blank_nodes(server: Oxigraph) -> set[str]:
    """The store's own blank node identifiers: new ones would mean the graphs were rewritten."""
    rows = server.select("SELECT DISTINCT ?b WHERE { GRAPH ?g { ?b ?p ?o } FILTER(isBlank(?b)) }")
    return {row["b"] for row in rows}


def test_same_version_twice_writes_nothing(oxi, built, settings):
    push(built[0], endpoints(oxi, settings), settings)
    before, nodes = oxi.graph_counts(), blank_nodes(oxi)
    assert nodes
    report = push(built[0], endpoints(oxi, settings), settings)
    assert not report.changed
    assert oxi.graph_counts() == before and blank_nodes(oxi) == nodes


def test_new_version_replaces_and_drops(oxi, built, second, third, settings):
    push(built[0], endpoints(oxi, settings), settings)
    first = expected_graphs(built[0], PROJECT_ROOT)
    report = push(second, endpoints(oxi, settings), settings)
    removed = f"{settings.base_iri}graph/{REMOVED}"
    assert report.dropped == (removed,)
    expected = expected_graphs(second, second.path.parents[1])
    assert removed not in expected
    # the first version's merge stays one push longer, for a server still on that version
    first_merge = merge_graph(built[0].version)
    assert_store_holds(oxi, {**expected, first_merge: first[first_merge]})
    push(third, endpoints(oxi, settings), settings)
    second_merge = merge_graph(second.version)
    assert_store_holds(oxi, {**expected_graphs(third, third.path.parents[1]),
                             second_merge: expected[second_merge]})


def graph_blank_nodes(server: Oxigraph) -> dict[str, set[str]]:
    """The store's blank node identifiers in each graph."""
    rows = server.select("SELECT DISTINCT ?g ?b WHERE { GRAPH ?g { ?b ?p ?o } FILTER(isBlank(?b)) }")
    nodes: dict[str, set[str]] = {}
    for row in rows:
        nodes.setdefault(row["g"], set()).add(row["b"])
    return nodes


def test_next_version_uploads_only_the_graphs_that_changed(oxi, second, third, settings, monkeypatch):
    """The third version differs from the second in one data file, so in that graph and the
    metadata graph: only those two are uploaded and moved; the others stay as they are in the
    store (their blank nodes too), and the new merge holds all of them, sharing their blank nodes."""
    push(second, endpoints(oxi, settings), settings)
    before = graph_blank_nodes(oxi)
    posted = []
    real_post = push_module._Client.post
    monkeypatch.setattr(push_module._Client, "post",
                        lambda self, body: posted.append(body) or real_post(self, body))
    report = push(third, endpoints(oxi, settings), settings)
    changed = {f"{settings.base_iri}graph/press-release-2021-06-10", METADATA}
    assert set(report.unchanged) == set(expected_graphs(second, second.path.parents[1])) \
        - changed - {merge_graph(second.version)}
    into = {line.rsplit(" ", 2)[1][1:-1] for body in posted for line in body.decode().splitlines()}
    assert len([g for g in into if g.startswith(STAGING_PREFIX)]) == 2
    assert into - {g for g in into if g.startswith(STAGING_PREFIX)} == {merge_graph(third.version)}
    second_merge = merge_graph(second.version)
    assert_store_holds(oxi, {**expected_graphs(third, third.path.parents[1]),
                             second_merge: expected_graphs(second, second.path.parents[1])[second_merge]})
    after = graph_blank_nodes(oxi)
    assert any(before.get(g) for g in report.unchanged)  # there are blank nodes to keep
    assert all(after.get(g) == before.get(g) for g in report.unchanged)
    merge = merge_graph(third.version)
    rows = oxi.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <" + merge + "> { ?b ?p ?o } "
                      "FILTER(isBlank(?b)) FILTER NOT EXISTS { GRAPH ?g { ?b ?p ?o } "
                      "FILTER(?g != <" + merge + ">) } }")
    assert rows == [{"n": "0"}]
    record = Publication.from_rows(oxi.select(Publication.QUERY))
    assert set(record.digests) == set(record.graphs)


def test_a_record_without_digests_gets_every_graph_uploaded(oxi, second, third, settings,
                                                            monkeypatch):
    """A store pushed to before digests were kept: nothing is known to be unchanged."""
    push(second, endpoints(oxi, settings), settings)
    client = push_module._Client(endpoints(oxi, settings), 10)
    client.update(f"DELETE WHERE {{ GRAPH <{PUBLICATION}> {{ <{PUBLICATION}> <{PUBLICATION}#digest> ?d }} }}")
    client.close()
    report = push(third, endpoints(oxi, settings), settings)
    assert report.unchanged == ()
    second_merge = merge_graph(second.version)
    assert_store_holds(oxi, {**expected_graphs(third, third.path.parents[1]),
                             second_merge: expected_graphs(second, second.path.parents[1])[second_merge]})


def test_store_gone_half_way_leaves_published_graphs(oxi, built, second, settings, monkeypatch):
    """The store is killed after the third upload (a graph each): the published graphs are the
    first version's, and the next push cleans up and publishes."""
    push(built[0], endpoints(oxi, settings), settings)
    before, nodes = published(oxi), blank_nodes(oxi)
    uploads = []
    real_post = push_module._Client.post

    def post_then_die(self, body):
        uploads.append(body)
        if len(uploads) == 3:
            oxi.kill()
        return real_post(self, body)

    monkeypatch.setattr(push_module, "UPLOAD_BYTES", 1)
    monkeypatch.setattr(push_module._Client, "post", post_then_die)
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        push(second, endpoints(oxi, settings), settings)
    monkeypatch.undo()
    oxi.start()
    assert published(oxi) == before and leftovers(oxi)  # the uploads before the kill are left over
    assert blank_nodes(oxi) >= nodes
    push(second, endpoints(oxi, settings), settings)
    assert not leftovers(oxi)
    assert merge_graph(second.version) in oxi.graph_counts()


def test_first_push_refused_half_way_leaves_the_store_empty(oxi, built, settings, monkeypatch):
    """Into a store with nothing published the graphs go under their own names; the store refusing
    the third upload (a graph each) leaves it as it was: empty, no record."""
    real_post = push_module._Client.post
    uploads = []

    def post_then_garble(self, body):
        uploads.append(body)
        return real_post(self, body + b"<oops\n" if len(uploads) == 3 else body)

    monkeypatch.setattr(push_module, "UPLOAD_BYTES", 1)
    monkeypatch.setattr(push_module._Client, "post", post_then_garble)
    with pytest.raises(StoreUnavailable, match="refused the upload"):
        push(built[0], endpoints(oxi, settings), settings)
    assert oxi.graph_counts() == {}
    monkeypatch.undo()
    push(built[0], endpoints(oxi, settings), settings)
    assert_store_holds(oxi, expected_graphs(built[0], PROJECT_ROOT))


def test_switch_is_one_transaction(oxi, built, settings):
    """What the switch relies on: the store applies one update request all or nothing (a failing
    last operation undoes the MOVE before it)."""
    push(built[0], endpoints(oxi, settings), settings)
    before = published(oxi)
    client = push_module._Client(endpoints(oxi, settings), 10)
    graph = next(iter(before))
    client.update(f"INSERT DATA {{ GRAPH <{STAGING_PREFIX}x> {{ <urn:a> <urn:b> <urn:c> }} }}")
    with pytest.raises(StoreUnavailable):
        client.update(f"MOVE GRAPH <{STAGING_PREFIX}x> TO GRAPH <{graph}> ;\n"
                      f"MOVE GRAPH <{STAGING_PREFIX}missing> TO GRAPH <urn:elsewhere>")
    client.close()
    assert published(oxi) == before and leftovers(oxi) == [f"{STAGING_PREFIX}x"]


def test_count_mismatch_switches_nothing(oxi, built, settings, tmp_path, monkeypatch):
    """A blank node shared by two graphs is one node in the dump but two once uploaded graph by
    graph (a request each here): the merge's count differs, and the push stops before its switch."""
    push(built[0], endpoints(oxi, settings), settings)
    before = published(oxi)
    folder = tmp_path / "shared-bnode"
    folder.mkdir()
    (folder / "cisem.nq").write_text('_:b <urn:p> "x" <urn:g1> .\n_:b <urn:p> "x" <urn:g2> .\n')
    version = DatasetVersion("0123456789abcdef", folder, settings.base_iri, 2)
    monkeypatch.setattr(push_module, "UPLOAD_BYTES", 1)
    with pytest.raises(PushFailed, match="nothing was switched") as info:
        push(version, endpoints(oxi, settings), settings)
    assert "1 expected" in info.value.message
    assert published(oxi) == before


def test_unreachable_store_is_a_clear_error(built, settings):
    dead = StoreEndpoints.from_settings(settings, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        push(built[0], dead, settings)


def test_endpoints_from_settings(settings):
    ends = StoreEndpoints.from_settings(settings, "http://store:7878/")
    assert (ends.query, ends.update, ends.gsp) == ("http://store:7878/query", "http://store:7878/update",
                                                   "http://store:7878/store")
    fuseki = settings.replace(store_query_url="http://f:3030/ds/sparql",
                              store_update_url="http://f:3030/ds/update",
                              store_gsp_url="http://f:3030/ds/data")
    ends = StoreEndpoints.from_settings(fuseki)
    assert (ends.query, ends.update, ends.gsp) == ("http://f:3030/ds/sparql", "http://f:3030/ds/update",
                                                   "http://f:3030/ds/data")
    with pytest.raises(ConfigError, match="--store"):
        StoreEndpoints.from_settings(settings)
    with pytest.raises(ConfigError, match="http"):
        StoreEndpoints.from_settings(settings, "file:///etc")


# --- credentials ---------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 401 to everything, remembering the Authorization headers it was sent."""

    seen: list[str | None] = []

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append(self.headers.get("Authorization"))
        self.send_response(401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's names

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_credentials_are_sent_and_never_shown(recorder, built, settings):
    secret = settings.replace(store_user="cisem", store_password="s3cret-pw")
    with pytest.raises(StoreUnavailable) as info:
        push(built[0], StoreEndpoints.from_settings(secret, recorder), secret)
    expected = "Basic " + base64.b64encode(b"cisem:s3cret-pw").decode()
    assert _Recorder.seen and set(_Recorder.seen) == {expected}
    assert "Unauthorized" in info.value.message and "s3cret" not in info.value.message
    assert "s3cret" not in repr(secret)
    store = open_store(secret.replace(store_query_url=recorder + "/query",
                                      dist_dir=built[0].path.parent), built[0])
    try:
        with pytest.raises(StoreUnavailable):
            store.publication()
    finally:
        store.close()
    assert _Recorder.seen[-1] == expected


# --- the server checks the store holds what it serves ---------------------------------------


def test_server_refuses_a_store_holding_another_version(oxi, built, second, settings):
    push(second, endpoints(oxi, settings), settings)
    with pytest.raises(ConfigError, match="cisem-graph push"):
        open_store(settings.replace(store_query_url=oxi.url), built[0])
    push(built[0], endpoints(oxi, settings), settings)
    store = open_store(settings.replace(store_query_url=oxi.url), built[0])
    store.close()


def test_server_refuses_an_empty_store(oxi, built, settings):
    with pytest.raises(ConfigError, match="no published version"):
        open_store(settings.replace(store_query_url=oxi.url), built[0])


# --- the command ----------------------------------------------------------------------------


def test_cli_push(oxi, dist_dir, built):
    runner = CliRunner()
    env = {"CISEM_DIST_DIR": str(dist_dir)}
    first = runner.invoke(cli, ["push", "--store", oxi.base], env=env)
    assert first.exit_code == 0, first.output
    assert f"published version {built[0].version}" in first.output
    assert f"{built[0].triples} triples" in first.output
    again = runner.invoke(cli, ["push", "--store", oxi.base], env=env)
    assert again.exit_code == 0 and "nothing changed" in again.output


def test_cli_push_store_down(dist_dir):
    result = CliRunner().invoke(cli, ["push", "--store", f"http://127.0.0.1:{free_port()}"],
                                env={"CISEM_DIST_DIR": str(dist_dir)})
    assert result.exit_code == 1
    assert "cannot be reached" in result.output and "as they were" in result.output
    assert "Traceback" not in result.output


def test_cli_push_without_store(dist_dir, tmp_path: Path):
    result = CliRunner().invoke(cli, ["push"], env={"CISEM_DIST_DIR": str(dist_dir)})
    assert result.exit_code == 2 and "--store" in result.output
    result = CliRunner().invoke(cli, ["push", "--store", "http://127.0.0.1:1"],
                                env={"CISEM_DIST_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "cisem-graph build" in result.output


def test_offline_file_serves_like_a_push(tmp_path, dist_dir, built, settings):
    """``push --to-file`` loaded with ``oxigraph load`` holds what a push publishes, and the
    server accepts the store."""
    import subprocess

    file = tmp_path / "publish.nq"
    result = CliRunner().invoke(cli, ["push", "--to-file", str(file)],
                                env={"CISEM_DIST_DIR": str(dist_dir)})
    assert result.exit_code == 0, result.output
    subprocess.run([OXIGRAPH, "load", "--location", str(tmp_path / "db"), "--file", str(file)],
                   check=True, capture_output=True)
    loaded = Oxigraph(tmp_path / "db").start()
    pushed = Oxigraph(tmp_path / "pushed").start()
    try:
        push(built[0], endpoints(pushed, settings), settings)
        assert loaded.graph_counts() == pushed.graph_counts()
        store = open_store(settings.replace(store_query_url=loaded.url), built[0])
        store.close()
    finally:
        loaded.stop()
        pushed.stop()
