"""Hostile and broken input: every case of the corpus ends with its exact one-line error and
exit code, a caret under the fault for parse errors, no traceback, and nothing written."""

import json
from pathlib import Path

import pytest

from derive import InputError, differentiate
from derive.cli.main import run

CORPUS = Path(__file__).parent / "corpus" / "bad_inputs.tsv"


def _cases():
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        args, code, message = line.split("\t")
        yield pytest.param(json.loads(args), int(code), message, id=args[:50])


def test_the_corpus_is_broad():
    assert len(list(_cases())) >= 60


@pytest.mark.parametrize("args, code, message", list(_cases()))
def test_bad_input(capsys, args, code, message):
    assert run(args) == code
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == message
    assert "Traceback" not in err
    if message.startswith("derive: error: column "):
        column = int(message.split("column ")[1].split(":")[0])
        assert len(lines) == 3 and lines[2] == " " * (2 + column - 1) + "^"
    else:
        assert len(lines) == 1


def test_a_variable_that_is_not_there_gives_zero_with_a_sentence(capsys):
    assert run(["x^2", "--wrt", "t"]) == 0
    out = capsys.readouterr().out
    assert "does not depend on t" in out and "= 0" in out


def test_control_characters_are_refused_by_the_api():
    for text in ["\x00x", "x\x07", "x\u202e+1"]:
        with pytest.raises(InputError):
            differentiate(text)


def test_time_limit_exits_4_and_names_the_phase(capsys):
    nested = "x"
    for i in range(30):
        nested = ("sin({})", "exp({}/3)", "ln(2 + {}^2)")[i % 3].format(nested)
    assert run([nested, "--timeout", "0.2"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("derive: error: the time limit of 0.2 s ran out while ")
    assert "--timeout" in err and len(err.splitlines()) == 1


def test_failed_output_leaves_the_old_file_in_place(tmp_path, capsys):
    target = tmp_path / "answer.txt"
    target.write_text("a good earlier answer\n")
    assert run(["sin(x", "-o", str(target)]) == 2
    assert target.read_text() == "a good earlier answer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.txt"]


def test_a_time_limit_swallowed_by_a_gc_callback_fires_again():
    """A limit that fires inside a garbage-collector callback is swallowed there (Python
    cannot raise out of it); it must fire again in the work that goes on after."""
    import gc
    import sys
    import time

    from derive.core.timing import time_limit

    class Late(Exception):
        pass

    def slow_callback(phase, info):
        if phase == "start":
            end = time.monotonic() + 0.2
            while time.monotonic() < end:
                pass

    hook = sys.unraisablehook
    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(Late):
            with time_limit(0.05, Late):
                gc.collect()                       # the limit fires in the callback
                end = time.monotonic() + 2
                while time.monotonic() < end:      # … and again here
                    pass
    finally:
        gc.callbacks.remove(slow_callback)
    assert sys.unraisablehook is hook
