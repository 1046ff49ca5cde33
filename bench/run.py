"""Benchmarks: where time goes, measured side by side in one run.

    python bench/run.py [--quick] [--json bench/results/latest.json]

Figures (these machines are noisy: compare the ratios, not the absolute times):

* per-problem latency of the whole pipeline (parse, steps, checks, rendering to text) over
  the test corpus, median and 95th percentile, and its ratio to ``sympy.diff`` alone and to
  ``sympy.simplify(sympy.diff(f))`` on the same functions;
* cold start of ``derive "ln(sin(x^3)^2)"`` against ``python -c "import sympy"``;
* scaling: nested compositions, products and sums of n pieces, and a graph with shared
  subexpressions, for growing n, with the fitted growth exponent of time against n.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

from derive import differentiate  # noqa: E402
from derive.parsing import parse  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "functions.tsv"


def timed(fn, *args, **kwargs):
    """Seconds for one call, with SymPy's cache emptied first so that no measurement
    profits from work an earlier one did."""
    clear_cache()
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - start, value


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]


def corpus_rows(limit=None):
    with CORPUS.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t")]
    return rows[:limit] if limit else rows


def per_problem(rows):
    pipeline, diff_only, simplify_diff, ratios_diff, ratios_simplify = [], [], [], [], []
    for row in rows:
        wrt = row.get("wrt") or None
        t_pipe, sol = timed(lambda: differentiate(row["input"], wrt).render("text"))
        expr = parse(row["input"]).doit()
        symbol = sp.Symbol(wrt, real=True) if wrt else sorted(expr.free_symbols, key=str)[0]
        t_diff, d = timed(sp.diff, expr, symbol)
        t_simp, _ = timed(lambda: sp.simplify(sp.diff(expr, symbol)))
        pipeline.append(t_pipe)
        diff_only.append(t_diff)
        simplify_diff.append(t_simp)
        ratios_diff.append(t_pipe / max(t_diff, 1e-9))
        ratios_simplify.append(t_pipe / max(t_simp, 1e-9))
    return {
        "problems": len(rows),
        "pipeline_median_s": statistics.median(pipeline),
        "pipeline_p95_s": percentile(pipeline, 0.95),
        "sympy_diff_median_s": statistics.median(diff_only),
        "sympy_simplify_diff_median_s": statistics.median(simplify_diff),
        "ratio_to_diff_median": statistics.median(ratios_diff),
        "ratio_to_simplify_diff_median": statistics.median(ratios_simplify),
    }


def cold_start(repeats=5):
    def run(cmd):
        times = []
        for _ in range(repeats):
            t, _ = timed(subprocess.run, cmd, capture_output=True, check=True, cwd=ROOT)
            times.append(t)
        return statistics.median(times)

    derive_t = run([sys.executable, "-m", "derive", "ln(sin(x^3)^2)"])
    sympy_t = run([sys.executable, "-c", "import sympy"])
    return {"derive_s": derive_t, "import_sympy_s": sympy_t, "ratio": derive_t / sympy_t}


def series(kind, n):
    """Expression text of size n for a scaling series."""
    if kind == "nested":
        text = "x"
        for i in range(n):
            text = ("sin({})", "exp({}/3)", "ln(2 + {}^2)")[i % 3].format(text)
        return text
    if kind == "product":
        return "*".join(f"(x + {i})" for i in range(1, n + 1))
    if kind == "sum":
        return " + ".join(f"{i} sin({i}x)" for i in range(1, n + 1))
    if kind == "shared":
        parts = ["sin(x)"]
        for i in range(1, n):
            parts.append(f"({parts[-1]} + x^{(i % 3) + 1})")
        return parts[-1] + " * " + parts[len(parts) // 2]
    raise ValueError(kind)


def scaling(sizes):
    out = {}
    for kind in ("nested", "product", "sum", "shared"):
        times = []
        for n in sizes:
            t, sol = timed(differentiate, series(kind, n), "x", simplify_budget=2.0)
            times.append(t)
            if not sol.verified:
                print(f"  !! {kind} n={n} did not verify", file=sys.stderr)
        slope = _fit_exponent(sizes, times)
        out[kind] = {"n": list(sizes), "seconds": times, "growth_exponent": slope}
    return out


def _fit_exponent(ns, ts):
    xs = [math.log(n) for n in ns]
    ys = [math.log(max(t, 1e-6)) for t in ts]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer problems and sizes")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    args = parser.parse_args()

    rows = corpus_rows(40 if args.quick else None)
    sizes = (5, 10, 20) if args.quick else (5, 10, 20, 40, 80)
    results = {"per_problem": per_problem(rows), "cold_start": cold_start(3 if args.quick else 5),
               "scaling": scaling(sizes)}

    p, c = results["per_problem"], results["cold_start"]
    print(f"per problem ({p['problems']} functions): median {p['pipeline_median_s']*1000:.0f} ms, "
          f"p95 {p['pipeline_p95_s']*1000:.0f} ms")
    print(f"  ratio to sympy.diff: {p['ratio_to_diff_median']:.1f}x, "
          f"to simplify(diff): {p['ratio_to_simplify_diff_median']:.2f}x (median)")
    print(f"cold start: derive {c['derive_s']:.2f} s, import sympy {c['import_sympy_s']:.2f} s, "
          f"ratio {c['ratio']:.2f}")
    print(f"{'series':10}" + "".join(f"{'n=' + str(n):>10}" for n in sizes) + f"{'exponent':>10}")
    for kind, row in results["scaling"].items():
        print(f"{kind:10}" + "".join(f"{t:10.2f}" for t in row["seconds"])
              + f"{row['growth_exponent']:10.2f}")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"figures written to {out}")


if __name__ == "__main__":
    main()
