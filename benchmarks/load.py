"""A small, bounded HTTP/1.1 load client for the serve row: a fixed number of keep-alive
connections, each posting the next text to ``/v1/check`` as soon as its previous answer is in.

    python benchmarks/load.py PORT TEXTS.json SECONDS CONNECTIONS WARMUP_SECONDS

``TEXTS.json`` is a JSON list of strings, posted in turn as ``{"text": ...}``. The first
``WARMUP_SECONDS`` are not counted (the server builds its lazy state on the first requests).
Prints one JSON object: requests, seconds, requests/s, latency percentiles in ms, errors
(a status other than 200, a closed connection or a malformed answer) by kind, and this client's
CPU time. It is asyncio over raw sockets, not an HTTP library, so that it takes as little of the
machine's CPU as it can: on the benchmark machine it shares the two cores with the server. Like
probes.py it imports nothing from gkcheck or the benchmarks package.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

HOST = "127.0.0.1"


def requests_for(port: int, texts: list[str]) -> list[bytes]:
    out = []
    for text in texts:
        body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
        head = (f"POST /v1/check HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n").encode("ascii")
        out.append(head + body)
    return out


async def answer(reader: asyncio.StreamReader) -> int:
    """Read one response; its status code. Raises on a closed or malformed answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("no Content-Length")
    await reader.readexactly(length)
    return status


async def connection(port: int, bodies: list[bytes], offset: int, start_counting: float, stop: float,
                     latencies: list[float], errors: Counter) -> None:
    reader = writer = None
    i = offset
    while time.perf_counter() < stop:
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection(HOST, port)
            except OSError as exc:   # refused or reset: an error, and a pause before trying again
                if time.perf_counter() >= start_counting:
                    errors[type(exc).__name__] += 1
                await asyncio.sleep(0.05)
                continue
        request = bodies[i % len(bodies)]
        i += 1
        t0 = time.perf_counter()
        try:
            writer.write(request)
            status = await answer(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            if t0 >= start_counting:
                errors[type(exc).__name__] += 1
            writer.close()
            reader = writer = None
            continue
        t1 = time.perf_counter()
        if t0 >= start_counting:
            if status == 200:
                latencies.append(t1 - t0)
            else:
                errors[f"HTTP {status}"] += 1
    if writer is not None:
        writer.close()


async def run(port: int, texts: list[str], seconds: float, connections: int, warmup: float) -> dict:
    bodies = requests_for(port, texts)
    latencies: list[float] = []
    errors: Counter = Counter()
    begin = time.perf_counter()
    start_counting = begin + warmup
    stop = start_counting + seconds
    await asyncio.gather(*(connection(port, bodies, k * 7, start_counting, stop, latencies, errors)
                           for k in range(connections)))
    elapsed = time.perf_counter() - start_counting
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    done = len(latencies) + sum(errors.values())
    return {"requests": done, "ok": len(latencies), "errors": sum(errors.values()), "error_kinds": dict(errors),
            "seconds": elapsed, "requests_per_s": len(latencies) / elapsed if elapsed > 0 else 0.0,
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
            "max_ms": latencies[-1] * 1000 if latencies else 0.0, "connections": connections,
            "chars": round(sum(len(t) for t in texts) / len(texts)), "client_cpu_seconds": time.process_time()}


def main(argv: list[str]) -> int:
    port, texts_path, seconds, connections, warmup = argv
    texts = json.loads(Path(texts_path).read_text("utf-8"))
    result = asyncio.run(run(int(port), texts, float(seconds), int(connections), float(warmup)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
