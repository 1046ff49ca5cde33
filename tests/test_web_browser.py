"""``derive serve``'s page in a real browser: Chromium (Debian's package, /usr/bin/chromium)
driven by Playwright.  A student types a function and sees the solution typeset by KaTeX,
reveals the hints one by one, checks a wrong answer and is told the mistake, draws a problem
and reloads its address to find the same problem, and does all of it by keyboard alone —
with no error in the browser's console and no request leaving this machine.

The run's browser also takes the screenshots of the page the README shows: set
``DERIVE_SCREENSHOTS`` to a folder (``docs/screenshots``) to keep them there.

Chromium and Playwright's Python package are needed (``apt-get install chromium``;
``pip install -e ".[test]"``, which brings playwright; Playwright's own browser download is
not used).  Where either is missing these tests fail on CI (the environment variable CI is
set) and are skipped elsewhere, saying how to install them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_web_api import INSTALL, SERVER_MODULES, drawable, require, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BROWSER_INSTALL = "apt-get install chromium; pip install playwright"
SCREENSHOTS = os.environ.get("DERIVE_SCREENSHOTS")

# every control of the page, in the order Tab reaches them once a solution is shown
CONTROLS = ["expression", "order", "style", "solve", "practise", "bank", "difficulty", "draw",
            "which-rule", "next-step", "whole-solution", "answer", "check-answer"]


def require_browser() -> None:
    require(SERVER_MODULES, INSTALL)
    require(("playwright",), BROWSER_INSTALL)
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        message = f"{CHROMIUM} not found: {BROWSER_INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def server():
    require_browser()
    with running_server("--workers", "2", "--timeout", "30") as address:
        yield address


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page with its console errors, its uncaught errors, and every request that tried to
    leave this machine (refused)."""

    def __init__(self, browser, server: str):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1100, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._only_here)

    def _only_here(self, route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, address: str = ""):
        self.page.goto(self.server + address)
        self.page.wait_for_selector("body[data-loaded]")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, server):
    page = Watched(browser, server)
    yield page
    page.close()
    assert page.errors == [], "errors in the browser's console"
    assert page.outside == [], "requests that left this machine"


def shown_steps(page) -> int:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '#solution p, #solution li, #solution tbody tr, #solution div.math.block'))
        .filter(e => !(e.tagName === 'P' && e.parentElement.tagName === 'LI'))
        .filter(e => e.offsetParent !== null).length""")


def tex_of(page, selector: str) -> str:
    """The LaTeX KaTeX typeset inside ``selector`` (its MathML annotations)."""
    return " ".join(page.locator(f"{selector} annotation").all_text_contents())


def screenshot(page, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(SCREENSHOTS) / name)


def wait_until(page, condition: str, seconds: float = 60) -> None:
    """Wait until the JavaScript ``condition`` holds (polled from outside the page: its
    Content-Security-Policy, rightly, lets no string be evaluated inside it)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {condition}")


def solve(page, expression: str) -> None:
    """Type ``expression``, press Enter, and wait for its solution (not the one before)."""
    page.fill("#expression", expression)
    page.press("#expression", "Enter")
    wait_until(page, f"document.getElementById('work').dataset.expression === "
                     f"{json.dumps(expression)}")


# --- the worked solution ------------------------------------------------------------------------

def test_enter_shows_the_typeset_solution(watched, tmp_path):
    page = watched.open()
    solve(page, "ln(sin(x^3)^2)")
    assert page.locator("#solution .katex").count() >= 10
    assert page.locator("#solution .katex-error").count() == 0
    text = page.inner_text("#solution")
    assert "composition" in text and "chain rule" in text and "Checked" in text
    # d/dx ln(sin²(x³)) = 2 cos(x³)·3x²/sin(x³) = 6x² cot(x³)
    assert r"6 x^{2} \cot\left(x^{3}\right)" in tex_of(page, "#solution")
    # the whole solution is shown, with its pictures, drawn as SVG
    assert page.is_disabled("#next-step")
    for picture in drawable():
        wait_until(page, f"document.querySelector('#{picture}').naturalWidth > 0")
    screenshot(page, "serve-solution.png", tmp_path)


def test_a_parse_error_is_shown_under_the_box_with_its_caret(watched, tmp_path):
    page = watched.open()
    page.fill("#expression", "sin(x")
    page.press("#expression", "Enter")
    error = page.wait_for_selector("#expression-error:not([hidden])")
    lines = error.inner_text().splitlines()
    assert lines[0] == "column 4: unbalanced parenthesis: '(' is never closed"
    assert lines[1].strip() == "sin(x" and lines[2].index("^") == lines[1].index("(")
    assert page.is_hidden("#work")
    screenshot(page, "serve-parse-error.png", tmp_path)


def test_the_variable_is_chosen_when_there_are_several(watched):
    page = watched.open()
    solve(page, "x^2 y^3")
    assert page.is_visible("#wrt")
    assert page.locator("#wrt option").all_text_contents() == ["x", "y"]
    page.select_option("#wrt", "y")
    wait_until(page, r"""Array.from(document.querySelectorAll('#solution annotation'))
        .some(a => a.textContent.includes('\\partial y'))""")
    assert r"3 x^{2} y^{2}" in tex_of(page, "#solution")


# --- hints, answers, problems -------------------------------------------------------------------

def test_the_hints_reveal_the_solution_one_step_at_a_time(watched, tmp_path):
    page = watched.open()
    page.fill("#expression", "x^2 sin(x)")
    page.click("#practise")
    page.wait_for_selector("#solution .katex")
    total = page.evaluate("""() => document.querySelectorAll('#solution p, #solution li').length
        - document.querySelectorAll('#solution li > p').length""")
    assert shown_steps(page) == 1            # the function alone
    assert page.is_hidden("#hint") and page.is_hidden("#pictures")
    page.click("#which-rule")
    assert "Start with: product rule" in page.inner_text("#hint")
    for shown in range(2, total + 1):
        page.click("#next-step")
        assert shown_steps(page) == shown
        if shown == 3:
            screenshot(page, "serve-hints.png", tmp_path)
    assert total > 3
    assert page.is_disabled("#next-step") and page.is_visible("#pictures")


def test_whole_solution_reveals_every_step(watched):
    page = watched.open()
    page.fill("#expression", "sin(x + x^2)")
    page.select_option("#style", "graph")
    page.click("#practise")
    page.wait_for_selector("#solution .katex")
    assert page.is_hidden("#solution table")
    page.click("#whole-solution")
    assert page.is_visible("#solution table")
    assert "Total derivative" in page.inner_text("#solution")


def test_a_wrong_answer_is_told_its_mistake(watched, tmp_path):
    page = watched.open()
    solve(page, "ln(sin(x^3)^2)")
    page.fill("#answer", "2 cot(x^3)")
    page.press("#answer", "Enter")
    verdict = page.wait_for_selector("#verdict.incorrect .katex")
    text = page.inner_text("#verdict")
    assert "Incorrect" in text
    assert "the inner derivative" in text and "left out" in text and "chain rule" in text
    page.fill("#answer", "6x^2 cos(x^3)/sin(x^3)")
    page.click("#check-answer")
    page.wait_for_selector("#verdict.correct")
    assert "Correct" in page.inner_text("#verdict")
    assert verdict is not None
    page.fill("#answer", "2 cot(x^3)")
    page.click("#check-answer")
    page.wait_for_selector("#verdict.incorrect")
    screenshot(page, "serve-check.png", tmp_path)


def test_a_drawn_problem_comes_back_on_reload(watched, tmp_path):
    page = watched.open()
    page.select_option("#bank", "chain-rule")
    page.select_option("#difficulty", "2")
    page.click("#draw")
    page.wait_for_selector("#problem-statement:not([hidden])")
    page.wait_for_selector("#solution .katex")
    address = page.url
    assert re.search(r"\?bank=chain-rule&difficulty=2&seed=\d+$", address), address
    expression = page.input_value("#expression")
    statement = page.inner_text("#problem-statement")
    assert expression and shown_steps(page) == 1
    screenshot(page, "serve-problem.png", tmp_path)
    page.reload()
    page.wait_for_selector("body[data-loaded]")
    page.wait_for_selector("#solution .katex")
    assert page.url == address
    assert page.input_value("#expression") == expression
    assert page.inner_text("#problem-statement") == statement
    assert page.input_value("#bank") == "chain-rule"


def test_a_problem_address_opens_its_problem(watched):
    page = watched.open("?bank=chain-rule&difficulty=2&seed=17")
    page.wait_for_selector("#solution .katex")
    assert page.input_value("#expression") == "sin(cos(2 x))"
    assert "seed 17" in page.inner_text("#problem-statement")


def test_a_problem_by_another_variable_is_worked_by_it(watched):
    """A problem that names its variable (∂/∂y of a function of x and y) is worked by it,
    and the variable is offered to change."""
    page = watched.open("?bank=partial-derivatives&seed=5")
    page.wait_for_selector("#solution .katex")
    assert page.input_value("#expression") == "x^5 y + 4 y^4"
    assert page.input_value("#wrt") == "y" and page.is_visible("#wrt")
    page.click("#whole-solution")
    assert r"x^{5} + 16 y^{3}" in tex_of(page, "#solution")
    # typing another function forgets the variable: t is its only one
    solve(page, "t^3")
    assert r"3 t^{2}" in tex_of(page, "#solution") and page.is_hidden("#wrt")


# --- by keyboard alone ---------------------------------------------------------------------------

def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, target: str, limit: int = 40) -> None:
    for _ in range(limit):
        if focused(page) == target:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{target}")


def test_the_page_works_by_keyboard_alone(watched):
    page = watched.open()
    tab_to(page, "expression")
    page.keyboard.type("x^2 sin(x)")
    tab_to(page, "practise")
    page.keyboard.press("Enter")
    page.wait_for_selector("#solution .katex")
    # Tab reaches every control, in the order of the page (and round again)
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        name = focused(page)
        if name in CONTROLS and name not in reached:
            reached.append(name)
    start = reached.index("expression")
    assert reached[start:] + reached[:start] == CONTROLS
    # and Enter works each rung of the ladder, the answer's check, a problem's draw
    tab_to(page, "which-rule")
    page.keyboard.press("Enter")
    assert page.is_visible("#hint")
    tab_to(page, "next-step")
    page.keyboard.press("Enter")
    assert shown_steps(page) == 2
    page.keyboard.press("Space")
    assert shown_steps(page) == 3
    tab_to(page, "whole-solution")
    page.keyboard.press("Enter")
    assert page.is_disabled("#next-step")
    tab_to(page, "answer")
    page.keyboard.type("2x cos(x)")
    page.keyboard.press("Enter")
    page.wait_for_selector("#verdict.incorrect")
    assert "product" in page.inner_text("#verdict")
    tab_to(page, "draw")
    page.keyboard.press("Enter")
    page.wait_for_selector("#problem-statement:not([hidden])")
    assert "seed=" in page.url
