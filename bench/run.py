"""Benchmarks: where time goes, measured side by side in one run.

    python bench/run.py [--quick] [--scaling-only] [--json bench/results/latest.json]

Figures (these machines are noisy: compare the ratios, not the absolute times):

* per-problem latency of the whole pipeline (parse, steps, checks, rendering to text) over
  the test corpus, median and 95th percentile, and its ratio to ``sympy.diff`` alone and to
  ``sympy.simplify(sympy.diff(f))`` on the same functions;
* cold start of ``derive "ln(sin(x^3)^2)"`` against ``python -c "import sympy"``;
* a sheet of 100 problems (30 with --quick) from every bank with answers and worked
  solutions, in LaTeX without compiling: ``derive sheet`` run serially (--jobs 1) and in
  parallel (--jobs 2), wall time and peak resident memory of the largest process, and
  whether the two outputs are the same bytes;
* scaling: nested compositions, products and sums of n pieces, and a graph with shared
  subexpressions, for growing n: the whole time and its fitted growth exponent in n, and the
  time of the steps and checks alone (``derive.core.timing.recording_phases``) with its exponent
  in the number of expression nodes of the function and its derivative.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import os
import tempfile
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
from derive.core.timing import phase, recording_phases  # noqa: E402
from derive.read.parsing import parse  # noqa: E402

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
    """Median wall time of the command and of ``python -c "import sympy"``.  The package's
    bytecode is compiled first, as installing it does (a source checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module on every start)."""
    compileall.compile_dir(str(ROOT / "derive"), quiet=1)

    def run(cmd):
        times = []
        for _ in range(repeats):
            t, _ = timed(subprocess.run, cmd, capture_output=True, check=True, cwd=ROOT)
            times.append(t)
        return statistics.median(times)

    derive_t = run([sys.executable, "-m", "derive", "ln(sin(x^3)^2)"])
    sympy_t = run([sys.executable, "-c", "import sympy"])
    return {"derive_s": derive_t, "import_sympy_s": sympy_t, "ratio": derive_t / sympy_t}


MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_rss_kb": peak, "code": done.returncode,
                  "stderr": done.stderr[-500:]}))
"""


def measured(cmd):
    """Wall time and peak resident memory (of the largest of its processes) of ``cmd``, run
    from a fresh process so that nothing else counts."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    figures = json.loads(done.stdout)
    if figures["code"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {figures['stderr']}")
    return figures


def sheet(count, jobs=(1, 2)):
    """``derive sheet`` of ``count`` problems from every bank with answers and worked
    solutions in LaTeX, once per number of jobs: time, memory, and the same bytes?"""
    out = {"problems": count}
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in jobs:
            target = os.path.join(tmp, f"sheet-{n}.tex")
            figures = measured([sys.executable, "-m", "derive", "sheet", "--count", str(count),
                                "--seed", "1", "--answers", "--solutions", "--jobs", str(n),
                                "-o", target])
            name = "serial" if n == 1 else f"parallel_{n}"
            out[name] = {"wall_s": figures["wall_s"],
                         "peak_rss_mb": figures["peak_rss_kb"] / 1024}
            texts.append(Path(target).read_bytes())
    out["identical"] = all(t == texts[0] for t in texts)
    out["processors"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else os.cpu_count()
    out["control_speedup"] = control_speedup(max(jobs))
    return out


def _burn(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def control_speedup(jobs, tasks=4, n=3_000_000):
    """The speedup of ``jobs`` processes on plain arithmetic, measured in the same run: what
    the machine offers at the moment (near 1 when other work holds its processors)."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    for _ in range(tasks):
        _burn(n)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_burn, [n] * tasks))
    return serial / (time.perf_counter() - start)


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
    if kind == "shared":  # n subexpressions x + k, each used twice: 2n paths from x to y
        return " + ".join(f"sin(x + {k}) e^(x + {k})" for k in range(1, n + 1))
    raise ValueError(kind)


STEPS_AND_CHECKS = ("differentiating", "checking the steps", "checking the answer")


def nodes(e) -> int:
    return sum(1 for _ in sp.preorder_traversal(e))


def scaling(sizes):
    """Per series and n: the whole time, the time of the steps and checks alone (without
    parsing, the final simplification and rendering), and the size of the problem in
    expression nodes — the function's tree and its derivative's (SymPy's, unsimplified),
    since the worked steps write both out.  Growth exponents are fitted on log-log scales:
    whole time against n, steps and checks against nodes."""
    out = {}
    for kind in ("nested", "product", "sum", "shared"):
        times, core, sizes_in_nodes = [], [], []
        for n in sizes:
            text = series(kind, n)
            clear_cache()
            with recording_phases() as seconds:
                sol = differentiate(text, "x")
                with phase("rendering"):
                    sol.render("text")
            times.append(sum(seconds.values()))
            core.append(sum(seconds.get(p, 0.0) for p in STEPS_AND_CHECKS))
            f = parse(text).doit()
            sizes_in_nodes.append(nodes(f) + nodes(sp.diff(f, sp.Symbol("x", real=True))))
            if not sol.verified:
                print(f"  !! {kind} n={n} did not verify", file=sys.stderr)
        out[kind] = {"n": list(sizes), "seconds": times, "steps_and_checks_s": core,
                     "nodes": sizes_in_nodes,
                     "growth_exponent": _fit_exponent(sizes, times),
                     "steps_and_checks_exponent_in_nodes": _fit_exponent(sizes_in_nodes, core)}
    return out


def _fit_exponent(ns, ts):
    xs = [math.log(n) for n in ns]
    ys = [math.log(max(t, 1e-6)) for t in ts]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer problems and sizes")
    parser.add_argument("--scaling-only", action="store_true",
                        help="only the scaling series (n up to 80, or 20 with --quick)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    args = parser.parse_args()

    sizes = (5, 10, 20) if args.quick else (5, 10, 20, 40, 80)
    if args.scaling_only:
        results = {"scaling": scaling(sizes)}
    else:
        rows = corpus_rows(40 if args.quick else None)
        results = {"per_problem": per_problem(rows),
                   "cold_start": cold_start(3 if args.quick else 5),
                   "sheet": sheet(30 if args.quick else 100), "scaling": scaling(sizes)}
        report_pipeline(results)
    report_scaling(results["scaling"], sizes)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"figures written to {out}")


def report_pipeline(results):
    """Print the per-problem, cold-start and sheet figures."""
    p, c = results["per_problem"], results["cold_start"]
    print(f"per problem ({p['problems']} functions): median {p['pipeline_median_s']*1000:.0f} ms, "
          f"p95 {p['pipeline_p95_s']*1000:.0f} ms")
    print(f"  ratio to sympy.diff: {p['ratio_to_diff_median']:.1f}x, "
          f"to simplify(diff): {p['ratio_to_simplify_diff_median']:.2f}x (median)")
    print(f"cold start: derive {c['derive_s']:.2f} s, import sympy {c['import_sympy_s']:.2f} s, "
          f"ratio {c['ratio']:.2f}")
    sh = results["sheet"]
    for mode in ("serial", "parallel_2"):
        shown = mode.replace("_", ", jobs ")
        print(f"sheet of {sh['problems']} problems with solutions (latex), {shown}: "
              f"{sh[mode]['wall_s']:.1f} s, peak memory {sh[mode]['peak_rss_mb']:.0f} MB "
              "(largest process)")
    print(f"  same bytes serial and parallel: {'yes' if sh['identical'] else 'NO'}; "
          f"{sh['processors']} processors, speedup of 2 processes on plain arithmetic now: "
          f"{sh['control_speedup']:.2f}x")


def report_scaling(scaled, sizes):
    """Print the scaling series: seconds per n and the fitted exponents."""
    print("scaling, seconds (whole solution; steps and checks alone in brackets) and "
          "exponents:\n  time ~ n^a, steps and checks ~ nodes^b")
    print(f"{'series':9}" + "".join(f"{'n=' + str(n):>15}" for n in sizes)
          + f"{'a':>6}{'b':>6}")
    for kind, row in scaled.items():
        cells = (f"{t:.2f} ({c:.2f})" for t, c in zip(row["seconds"], row["steps_and_checks_s"]))
        print(f"{kind:9}" + "".join(f"{c:>15}" for c in cells)
              + f"{row['growth_exponent']:6.2f}{row['steps_and_checks_exponent_in_nodes']:6.2f}")
    for kind, row in scaled.items():
        print(f"{kind + ' nodes':15}" + "".join(f"{k:>9}" for k in row["nodes"]))


if __name__ == "__main__":
    main()
