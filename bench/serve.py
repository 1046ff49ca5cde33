"""Benchmark of ``derive serve``: how quickly a warm server answers, alone and under load.

    python bench/serve.py [--workers 2] [--clients 20] [--json bench/results/serve.json]

Figures, each over the functions of the test corpus (tests/corpus/functions.tsv), every one
asked of ``POST /api/differentiate`` over real HTTP (uvicorn in a process of its own):

* one client, a warm server (its workers loaded and warmed up, no answer cached): the
  latency of each request, median and 95th percentile — target: a median of at most 50 ms;
* the same requests again, answered from the server's cache;
* ``--clients`` clients at once on a fresh server (nothing cached), the corpus shared among
  them: every answer's status, the latency of each request (median, 95th percentile,
  largest), the wall time and the requests per second.

These machines are noisy (and have 2 cores): compare the figures of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from conftest import load_corpus  # noqa: E402
from test_web_api import running_server  # noqa: E402

TARGET_MEDIAN = 0.050    # seconds


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]


def summary(seconds) -> dict:
    return {"count": len(seconds), "median_ms": 1000 * statistics.median(seconds),
            "p95_ms": 1000 * percentile(seconds, 0.95), "max_ms": 1000 * max(seconds)}


def body(row) -> dict:
    return {"expression": row.input, "wrt": row.wrt}


def one_client(address: str, rows) -> tuple[list, list]:
    """Each row asked in turn: (seconds of each request, statuses that were not 200)."""
    seconds, failed = [], []
    with httpx.Client(base_url=address, timeout=120) as http:
        for row in rows:
            start = time.perf_counter()
            answer = http.post("/api/differentiate", json=body(row))
            seconds.append(time.perf_counter() - start)
            if answer.status_code != 200:
                failed.append((row.input, answer.status_code, answer.text[:200]))
    return seconds, failed


async def many_clients(address: str, rows, clients: int) -> tuple[list, list, float]:
    """``clients`` clients at once, client k asking rows k, k + clients, …"""
    seconds, failed = [], []

    async def client(share):
        async with httpx.AsyncClient(base_url=address, timeout=300) as http:
            for row in share:
                start = time.perf_counter()
                answer = await http.post("/api/differentiate", json=body(row))
                seconds.append(time.perf_counter() - start)
                if answer.status_code != 200:
                    failed.append((row.input, answer.status_code, answer.text[:200]))

    start = time.perf_counter()
    await asyncio.gather(*(client(rows[k::clients]) for k in range(clients)))
    return seconds, failed, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "serve.json"))
    options = parser.parse_args()
    rows = load_corpus()
    warm = [r for r in rows if r.family == "chain"][:4]
    server_options = ("--workers", str(options.workers), "--timeout", "30")
    report: dict = {"workers": options.workers, "clients": options.clients,
                    "requests": len(rows)}

    with running_server(*server_options) as address:
        one_client(address, warm)       # the workers' first requests, and the connection
        seconds, failed = one_client(address, rows)
        report["one_client"] = dict(summary(seconds), failed=failed)
        seconds, failed = one_client(address, rows)
        report["one_client_cached"] = dict(summary(seconds), failed=failed)

    with running_server(*server_options) as address:
        one_client(address, warm)
        seconds, failed, wall = asyncio.run(many_clients(address, rows, options.clients))
        report["many_clients"] = dict(summary(seconds), failed=failed, wall_s=wall,
                                      per_second=len(rows) / wall)

    alone = report["one_client"]
    report["target_median_ms"] = 1000 * TARGET_MEDIAN
    report["target_met"] = alone["median_ms"] <= 1000 * TARGET_MEDIAN and not alone["failed"]
    Path(options.json).parent.mkdir(parents=True, exist_ok=True)
    Path(options.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    loaded = report["many_clients"]
    cached = report["one_client_cached"]
    print(f"derive serve, {options.workers} workers, {len(rows)} functions of the corpus")
    print(f"  one client, warm server:  median {alone['median_ms']:.1f} ms, "
          f"p95 {alone['p95_ms']:.1f} ms, max {alone['max_ms']:.0f} ms "
          f"(target median ≤ {1000 * TARGET_MEDIAN:.0f} ms: "
          f"{'met' if report['target_met'] else 'NOT met'})")
    print(f"  the same again, cached:   median {cached['median_ms']:.1f} ms, "
          f"p95 {cached['p95_ms']:.1f} ms")
    print(f"  {options.clients} clients at once:     median {loaded['median_ms']:.0f} ms, "
          f"p95 {loaded['p95_ms']:.0f} ms, max {loaded['max_ms']:.0f} ms; "
          f"{loaded['per_second']:.1f} requests/s, {len(loaded['failed'])} not answered 200")
    for name in ("one_client", "many_clients"):
        for failure in report[name]["failed"]:
            print(f"  {name}: {failure}")
    print(f"  figures: {options.json}")
    return 0 if report["target_met"] and not loaded["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
