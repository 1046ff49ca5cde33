"""Benchmark: a Moodle XML quiz of 100 questions, drawn from every bank and written whole.

    python bench/moodle.py [--count 100] [--types stack,multichoice,numerical] [--jobs N]
                           [--json bench/results/moodle.json]

For each question type, ``derive sheet --count N --format moodle`` is run from a fresh
process, with the command's own number of worker processes (one per processor) unless
``--jobs`` says otherwise (drawing the problems, working and checking their solutions, finding the mistaken
answers, writing the XML): its wall time, the peak resident memory of its largest process,
the number of questions in the file (read back with a real XML parser) and whether it took
under 10 s.  The load average is recorded beside the figures: this machine is shared, and a
busy one stretches every time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from run import ROOT, measured  # bench/run.py: a command's wall time and peak memory

LIMIT_S = 10.0


def quiz(count: int, kind: str, jobs: int, folder: str) -> dict:
    target = os.path.join(folder, f"quiz-{kind}.xml")
    figures = measured([sys.executable, "-m", "derive", "sheet", "--count", str(count),
                        "--seed", "1", "--format", "moodle", "--question-type", kind,
                        *(["--jobs", str(jobs)] if jobs else []), "-o", target])
    root = ET.parse(target).getroot()
    questions = [q for q in root if q.get("type") == kind]
    return {"wall_s": round(figures["wall_s"], 2),
            "peak_rss_mb": round(figures["peak_rss_kb"] / 1024, 1),
            "questions": len(questions), "bytes": Path(target).stat().st_size,
            "under_10_s": figures["wall_s"] < LIMIT_S}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--types", default="stack,multichoice,numerical")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes (default: the command's, one per processor)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "moodle.json"))
    args = parser.parse_args()
    results = {"count": args.count, "jobs": args.jobs or os.cpu_count(),
               "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.types.split(","):
            results[kind] = quiz(args.count, kind, args.jobs, folder)
            print(f"{kind:12} {results[kind]}", flush=True)
    results["load_after"] = os.getloadavg()[0]
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"load average {results['load_before']:.1f} before, {results['load_after']:.1f} "
          f"after; written to {args.json}")


if __name__ == "__main__":
    main()
