// The page of `derive serve`: asks the server for the worked solution, the hints, the verdict
// on an answer and a problem, and typesets the mathematics with the KaTeX served beside it.
// The server sends derive's own Markdown as HTML, math left as LaTeX in
// <span class="math inline"> and <div class="math block">; nothing here computes mathematics.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  // what is being worked: the request, the steps of its solution and how many are shown
  // (`latest`: the number of the latest question asked; an answer to an earlier one, which
  // a slower request may bring after it, is dropped)
  const state = { request: null, steps: [], shown: 0, practising: false, pictures: {}, latest: 0 };

  // --- talking to the server -------------------------------------------------------------

  async function ask(url, body) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { error: "the server cannot be reached" };
    }
    let data;
    try {
      data = await response.json();
    } catch (error) {
      return { error: `the server answered ${response.status} ${response.statusText}` };
    }
    return data;
  }

  function say(element, data) {
    // an error under its box: derive's one-line message, and the text with a caret
    element.textContent = data.error + (data.detail ? "\n" + data.detail : "");
    element.hidden = false;
  }

  function quiet(...elements) {
    for (const element of elements) {
      element.hidden = true;
      element.textContent = "";
    }
  }

  // --- typesetting ------------------------------------------------------------------------

  function typeset(container) {
    for (const element of container.querySelectorAll(".math")) {
      const display = element.classList.contains("block");
      katex.render(element.textContent.trim(), element,
                   { displayMode: display, throwOnError: false });
    }
  }

  // the steps of a solution, in reading order: its paragraphs, list items, table rows and
  // displayed formulas (a paragraph inside a list item belongs to the item)
  function stepsOf(container) {
    return Array.from(container.querySelectorAll("p, li, tbody tr, div.math.block"))
      .filter((element) => !(element.tagName === "P" && element.parentElement.tagName === "LI"));
  }

  function showSteps(count) {
    state.shown = Math.min(count, state.steps.length);
    state.steps.forEach((step, index) => step.classList.toggle("concealed", index >= state.shown));
    for (const table of $("solution").querySelectorAll("table")) {
      const rows = Array.from(table.querySelectorAll("tbody tr"));
      table.classList.toggle("concealed", rows.every((row) => row.classList.contains("concealed")));
    }
    const whole = state.shown >= state.steps.length;
    $("next-step").disabled = whole;
    $("whole-solution").disabled = whole;
    $("progress").textContent = whole ? "" : `Shown: ${state.shown} of ${state.steps.length} lines.`;
    if (whole) {
      showPictures();
    }
  }

  function query(request) {
    const params = new URLSearchParams({ expression: request.expression, order: request.order,
                                         style: request.style });
    if (request.wrt) {
      params.set("wrt", request.wrt);
    }
    return params.toString();
  }

  function showPictures() {
    const request = state.request;
    let any = false;
    for (const [name, drawable] of Object.entries(state.pictures)) {
      const figure = $(name + "-figure");
      figure.hidden = !drawable;
      if (drawable) {
        $(name).src = `view/${name}.svg?${query(request)}`;
        any = true;
      }
    }
    $("pictures").hidden = !any;
  }

  function hidePictures() {
    $("pictures").hidden = true;
    for (const name of ["graph", "plot"]) {
      $(name + "-figure").hidden = true;
      $(name).removeAttribute("src");
    }
  }

  // --- the worked solution ----------------------------------------------------------------

  function request() {
    const order = parseInt($("order").value, 10);
    return {
      expression: $("expression").value,
      wrt: $("wrt").value || null,
      order: Number.isFinite(order) ? order : 1,
      style: $("style").value,
    };
  }

  // the variable to differentiate by: offered when the function has several; `chosen` is
  // kept (and sent) even when it is the only one, as a problem names it
  function chooseVariable(variables, chosen) {
    const select = $("wrt");
    select.replaceChildren(...variables.map((name) => new Option(name, name, false, name === chosen)));
    $("wrt-field").hidden = variables.length < 2;
  }

  async function solve(practising) {
    quiet($("expression-error"));
    const asked = request();
    if (!asked.expression.trim()) {
      say($("expression-error"), { error: "type a function first, such as x^2 sin(x)" });
      return;
    }
    $("busy").textContent = "Working…";
    const ticket = ++state.latest;
    const data = await ask("view/solution", asked);
    if (ticket !== state.latest) {
      return;
    }
    $("busy").textContent = "";
    if (data.error) {
      say($("expression-error"), data);
      return;
    }
    chooseVariable(data.variables, data.wrt);
    state.request = Object.assign(asked, { wrt: data.wrt });
    state.practising = practising;
    state.pictures = data.pictures;
    const solution = $("solution");
    solution.innerHTML = data.html;
    typeset(solution);
    const hint = $("hint");
    hint.innerHTML = data.hint;
    typeset(hint);
    hint.hidden = true;
    state.steps = stepsOf(solution);
    hidePictures();
    $("work").hidden = false;
    $("check").hidden = false;
    quiet($("verdict"), $("answer-error"));
    showSteps(practising ? 1 : state.steps.length);
    $("work").dataset.expression = asked.expression;
  }

  // --- checking an answer -----------------------------------------------------------------

  async function check() {
    quiet($("answer-error"), $("verdict"));
    if (!state.request) {
      return;
    }
    const answer = $("answer").value;
    if (!answer.trim()) {
      say($("answer-error"), { error: "type your derivative first" });
      return;
    }
    $("busy").textContent = "Checking…";
    const ticket = ++state.latest;
    const data = await ask("view/check", Object.assign({}, state.request, { answer: answer }));
    if (ticket !== state.latest) {
      return;
    }
    $("busy").textContent = "";
    if (data.error) {
      say($("answer-error"), data);
      return;
    }
    const verdict = $("verdict");
    verdict.innerHTML = data.html;
    typeset(verdict);
    verdict.classList.toggle("correct", data.correct);
    verdict.classList.toggle("incorrect", !data.correct);
    verdict.hidden = false;
  }

  // --- problems -----------------------------------------------------------------------------

  function describe(problem) {
    const words = `Problem ${problem.id}, difficulty ${problem.difficulty}, seed ${problem.seed}.`;
    return problem.prompt ? `${words} ${problem.prompt}` : `${words} Differentiate the function.`;
  }

  async function pose(params, remember) {
    quiet($("problem-error"));
    $("busy").textContent = "Drawing a problem…";
    const ticket = ++state.latest;
    const data = await ask("view/problem?" + params.toString());
    if (ticket !== state.latest) {
      return;
    }
    $("busy").textContent = "";
    if (data.error) {
      say($("problem-error"), data);
      return;
    }
    if (remember) {
      history.pushState(null, "", "?" + data.query);
    }
    $("bank").value = data.bank;
    $("expression").value = data.expression;
    $("order").value = data.order;
    chooseVariable(data.wrt ? [data.wrt] : [], data.wrt);
    const statement = $("problem-statement");
    statement.textContent = describe(data);
    statement.hidden = false;
    $("answer").value = "";
    await solve(true);
  }

  function draw() {
    const params = new URLSearchParams({ bank: $("bank").value });
    if ($("difficulty").value) {
      params.set("difficulty", $("difficulty").value);
    }
    return pose(params, true);
  }

  // the page's address says what it shows: ?bank=…&difficulty=…&seed=… a problem,
  // ?expression=…&wrt=…&order=…&style=… a worked solution
  function fromAddress() {
    const params = new URLSearchParams(location.search);
    if (params.has("bank")) {
      $("bank").value = params.get("bank");
      $("difficulty").value = params.get("difficulty") || "";
      const asked = new URLSearchParams();
      for (const name of ["bank", "difficulty", "seed", "style"]) {
        if (params.get(name)) {
          asked.set(name, params.get(name));
        }
      }
      if (params.get("style")) {
        $("style").value = params.get("style");
      }
      return pose(asked, false);
    }
    if (params.has("expression")) {
      $("expression").value = params.get("expression");
      $("order").value = params.get("order") || "1";
      if (params.get("style")) {
        $("style").value = params.get("style");
      }
      const wrt = params.get("wrt");
      chooseVariable(wrt ? [wrt] : [], wrt);
      return solve(false);
    }
    return Promise.resolve();
  }

  // --- wiring -----------------------------------------------------------------------------

  function start() {
    $("solve-form").addEventListener("submit", (event) => {
      event.preventDefault();
      $("problem-statement").hidden = true;
      solve(false);
    });
    $("practise").addEventListener("click", () => solve(true));
    // a new function: its variables are not known until it is solved
    $("expression").addEventListener("input", () => chooseVariable([], null));
    for (const id of ["wrt", "style", "order"]) {
      $(id).addEventListener("change", () => {
        if (state.request) {
          solve(state.practising && state.shown < state.steps.length);
        }
      });
    }
    $("which-rule").addEventListener("click", () => { $("hint").hidden = false; });
    $("next-step").addEventListener("click", () => showSteps(state.shown + 1));
    $("whole-solution").addEventListener("click", () => showSteps(state.steps.length));
    $("check-form").addEventListener("submit", (event) => {
      event.preventDefault();
      check();
    });
    $("problem-form").addEventListener("submit", (event) => {
      event.preventDefault();
      draw();
    });
    window.addEventListener("popstate", fromAddress);
    document.body.dataset.ready = "true";
    fromAddress().then(() => { document.body.dataset.loaded = "true"; });
  }

  start();
})();
