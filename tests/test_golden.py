"""Golden files: what derive prints for every corpus function in every format and style, and
for each other command in each of its formats, exit code and standard error included, stays
byte for byte what tests/golden/ records.

A regression guard for changes that must not change behaviour (moving code, splitting
modules): a difference fails with the first differing line.  When a change is meant to alter
the output, read the differences (``git diff tests/golden``) after writing the files anew with
``python tests/golden_cases.py``.
"""

from __future__ import annotations

import difflib

import pytest

from golden_cases import GOLDEN, cases, record

CASES = cases()


def test_every_golden_file_has_its_case():
    on_disk = {str(path.relative_to(GOLDEN)) for path in GOLDEN.rglob("*.txt")}
    assert on_disk == set(CASES), "tests/golden/ and tests/golden_cases.py disagree"


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(name):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = record(CASES[name])
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden",
                                    "now", n=2, lineterm="")
        pytest.fail(f"{name} changed:\n" + "\n".join(list(diff)[:40]))
