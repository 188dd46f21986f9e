"""A fallback load generator for machines without wrk: keep-alive HTTP/1.1 GETs from asyncio.

It needs more CPU per request than wrk (it is Python), so on 2 cores it takes more from the servers
it measures; run.py says which generator produced a table. It returns the same summary as the wrk
script (``bench/wrk.lua``): requests, latency percentiles, and errors counted, never hidden.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from urllib.parse import urlsplit


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body bytes, keep-alive) of one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    size = 0
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    keep = headers.get("connection", "").lower() != "close"
    return status, size, keep


async def _connection(host: str, port: int, requests: list[bytes], start: int, step: int,
                      deadline: float, out: dict) -> None:
    reader = writer = None
    position = start - step
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            position = (position + step) % len(requests)
            out["sent"] = max(out["sent"], (position - start) % len(requests) // step + 1)
            began = time.monotonic()
            writer.write(requests[position])
            status, size, keep = await asyncio.wait_for(_read_response(reader), 15)
            out["latencies"].append(time.monotonic() - began)
            out["bytes"] += size
            if not 200 <= status < 400:
                out["status"] += 1
            if not keep:
                writer.close()
                writer = None
        except TimeoutError:
            out["timeout"] += 1
            writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            out["read"] += 1
            writer = None
    if writer is not None:
        writer.close()


def _worker(args: tuple) -> dict:
    base, paths, accept, connections, seconds, start, first, step = args
    url = urlsplit(base)
    host, port = url.hostname, url.port or 80
    requests = [(f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n\r\n").encode()
                for p in paths]
    out = {"latencies": [], "bytes": 0, "status": 0, "timeout": 0, "read": 0, "sent": 0}
    deadline = time.monotonic() + seconds

    async def main() -> None:
        # all connections of all processes walk the list together, interleaved, like wrk.lua
        await asyncio.gather(*(_connection(host, port, requests, start + first + i, step, deadline, out)
                               for i in range(connections)))

    began = time.monotonic()
    asyncio.run(main())
    out["duration"] = time.monotonic() - began
    return out


def run(base: str, path_file: str, connections: int, seconds: float, start: int, accept: str) -> dict:
    """The wrk script's summary, measured with ``min(connections, 2)`` client processes."""
    paths = [line for line in open(path_file).read().splitlines() if line]
    procs = min(connections, 2)
    per = [connections // procs + (1 if i < connections % procs else 0) for i in range(procs)]
    jobs = [(base, paths, accept, n, seconds, start, sum(per[:i]), connections)
            for i, n in enumerate(per)]
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        parts = pool.map(_worker, jobs)
    latencies = sorted(x for p in parts for x in p["latencies"])

    def pct(q: float) -> int:
        return int(latencies[min(int(q * len(latencies)), len(latencies) - 1)] * 1e6) if latencies else 0

    return {
        "requests": len(latencies), "duration_us": int(max(p["duration"] for p in parts) * 1e6),
        "bytes": sum(p["bytes"] for p in parts), "connect": 0, "read": sum(p["read"] for p in parts),
        "write": 0, "status": sum(p["status"] for p in parts),
        "timeout": sum(p["timeout"] for p in parts), "p50_us": pct(0.5), "p90_us": pct(0.9),
        "p99_us": pct(0.99), "max_us": int(latencies[-1] * 1e6) if latencies else 0,
        "mean_us": (sum(latencies) / len(latencies) * 1e6) if latencies else 0.0,
        "walked": max(p["sent"] for p in parts) * connections,
    }
