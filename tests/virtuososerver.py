"""A real OpenLink Virtuoso (Debian's ``virtuoso-opensource``, 7.2.5) for the tests of the remote store:
its own database folder and ``virtuoso.ini``, free loopback ports (SQL and HTTP), a password of the
test's own for ``dba``, stoppable; like ``oxiserver.Oxigraph``.

Its query time-out and row cap come from our settings, as the README's Virtuoso recipe says:
``[SPARQL] MaxQueryExecutionTime`` = ``query_timeout`` rounded up, ``ResultSetMaxRows`` =
``result_limit`` + 1 (the remote store reads one row past the cap to know an answer was cut).
"""

from __future__ import annotations

import math
import secrets
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from oxiserver import StoreProcess, free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
MISSING = ("Virtuoso not found (virtuoso-t, isql-vt): apt-get install virtuoso-opensource "
           "(.ci/run does)")
#: the bytes a transaction may change (``TransactionAfterImageLimit``; Virtuoso's default, 50 MB,
#: aborts the switch of a push of 1M triples: SR325): as the README's recipe says
AFTER_IMAGE = 1_500_000_000
#: Debian's folder of the server's own pages (the ini must name one)
VSP = "/var/lib/virtuoso-opensource-7/vsp"

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {folder}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
CheckpointInterval = 60
TransactionAfterImageLimit = {after_image}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 0
"""


class Virtuoso(StoreProcess):
    """One ``virtuoso-t`` over its own database folder."""

    stop_wait = 30  # a checkpoint on the way out

    def __init__(self, folder: Path, *, query_timeout: float = 10.0, result_limit: int = 100_000,
                 buffers: int = 20_000, after_image: int = AFTER_IMAGE) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        #: the public, read-only SPARQL endpoint (run as Virtuoso's user SPARQL)
        self.url = f"{self.base}/sparql"
        #: the endpoints that write, with HTTP Basic as ``push`` sends it (Virtuoso's own,
        #: /sparql-auth and /sparql-graph-crud-auth, ask for Digest): defined by ``start``
        self.update_url = f"{self.base}/cisem-update"
        self.gsp_url = f"{self.base}/cisem-store"
        self.user, self.password = "dba", "dba"
        self.query_timeout, self.result_limit, self.buffers = query_timeout, result_limit, buffers
        self.after_image = after_image
        self.proc: subprocess.Popen | None = None

    def endpoints(self):
        """What ``push`` is given: the query, update and Graph Store URLs, dba's credentials."""
        from cisem_graph.push import StoreEndpoints

        return StoreEndpoints(self.url, self.update_url, self.gsp_url, self.user, self.password)

    @property
    def ini(self) -> Path:
        return self.folder / "virtuoso.ini"

    def start(self) -> Virtuoso:
        db = self.folder / "db"
        db.mkdir(exist_ok=True)
        self.ini.write_text(INI.format(
            db=db, folder=self.folder, sql_port=self.sql_port, http_port=self.http_port, vsp=VSP,
            buffers=self.buffers, dirty=self.buffers * 3 // 4,
            max_rows=self.result_limit + 1, max_seconds=math.ceil(self.query_timeout),
            after_image=self.after_image))
        self.proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(self.ini)],
                                     cwd=self.folder, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = db / "virtuoso.log"
                    tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                    self.stop()
                    raise RuntimeError(f"virtuoso-t did not start: {tail}") from None
                time.sleep(0.2)
        if self.password == "dba":  # a fresh database: the test's own password, not the default
            password = secrets.token_hex(8)
            self.isql(f"user_set_password('dba', '{password}');", password="dba")
            self.password = password
            self.isql("".join(
                f"DB.DBA.VHOST_DEFINE(lpath=>'{urllib.parse.urlsplit(url).path}', "
                f"ppath=>'{ppath}', is_dav=>1, vsp_user=>'dba', opts=>vector('noinherit', 1), "
                "auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', realm=>'SPARQL', sec=>'basic');"
                for url, ppath in ((self.update_url, "/!sparql/"),
                                   (self.gsp_url, "/!sparql-graph-crud/"))))
        return self

    def isql(self, statements: str, password: str | None = None) -> str:
        """Run SQL statements with ``isql-vt`` as dba; raise with Virtuoso's words on an error."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", password or self.password,
             "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT",
             f"exec={statements}"], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt: {done.stdout[-1500:]} {done.stderr[-500:]}")
        return done.stdout

    def load(self, nquads: bytes, name: str = "load.nq") -> None:
        """Bulk-load an N-Quads document with Virtuoso's own loader (each quad into its graph)."""
        path = self.folder / name
        path.write_bytes(nquads)
        self.isql(f"DELETE FROM DB.DBA.load_list WHERE ll_file = '{path}'; "
                  f"ld_dir('{self.folder}', '{name}', 'urn:x-cisem:no-graph'); "
                  "rdf_loader_run(); checkpoint;")
        failed = self.isql(f"SELECT ll_error FROM DB.DBA.load_list WHERE ll_file = '{path}' "
                           "AND ll_error IS NOT NULL;").strip()
        if failed:
            raise RuntimeError(f"Virtuoso could not load {name}: {failed[:1500]}")
        path.unlink()

    def quads(self) -> str:
        """Every graph but Virtuoso's own, as N-Quads (``oxiserver.Oxigraph.quads``' twin),
        read back from SPARQL JSON results term by term (blank nodes keep Virtuoso's ids)."""
        import json

        from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, serialize

        def term(value: dict):
            if value["type"] == "uri":
                return NamedNode(value["value"])
            if value["type"] == "bnode":
                return BlankNode(value["value"].removeprefix("nodeID://"))
            datatype = value.get("datatype")
            return Literal(value["value"], language=value.get("xml:lang"),
                           datatype=NamedNode(datatype) if datatype else None)

        request = urllib.request.Request(self.url, data=urllib.parse.urlencode({"query": (
            "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            + self.OWN_GRAPHS + " }")}).encode(),
            headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            rows = json.load(response)["results"]["bindings"]
        quads = [Quad(term(r["s"]), term(r["p"]), term(r["o"]), term(r["g"])) for r in rows]
        return serialize(quads, format=RdfFormat.N_QUADS).decode()

    #: a FILTER leaving out the graphs Virtuoso holds in a new database (its schemas and
    #: service description)
    OWN_GRAPHS = ("FILTER(!STRSTARTS(STR(?g), 'http://www.openlinksw.com/') "
                  "&& !STRSTARTS(STR(?g), 'http://localhost') "
                  "&& !STRSTARTS(STR(?g), 'http://localuriqaserver/') "
                  "&& ?g != <http://www.w3.org/ns/ldp#>)")

    def graph_counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                           + self.OWN_GRAPHS + " } GROUP BY ?g")
        return {row["g"]: int(row["n"]) for row in rows}


def start_with(folder: Path, version, settings, pushed: bool = False) -> Virtuoso:
    """A Virtuoso over a database of its own holding ``version`` as ``push`` publishes it (the
    named graphs, their merge and the publication record): loaded by Virtuoso's loader (the
    README's offline recipe), or ``pushed`` with ``cisem-graph push``; its time-out and row cap
    from ``settings``."""
    from cisem_graph.push import offline_nquads, push

    server = Virtuoso(folder, query_timeout=settings.query_timeout,
                      result_limit=settings.result_limit).start()
    try:
        if pushed:
            push(version, server.endpoints(), settings)
        else:
            server.load(offline_nquads(version))
    except BaseException:
        server.kill()
        raise
    return server
