// Renders formulas with KaTeX and reports the ones it rejects.
//
// Standard input: a JSON list of {"tex": "...", "display": true|false}.
// Standard output: a JSON list of {"index": i, "tex": "...", "error": "..."}, one entry for
// each formula KaTeX could not render (an empty list when all of them render).
"use strict";

const katex = require("katex");

/** The error message KaTeX gives for one formula, or null when it renders. */
function katexError(tex, display) {
  try {
    katex.renderToString(tex, { throwOnError: true, displayMode: display, strict: "error" });
    return null;
  } catch (error) {
    return String(error.message || error);
  }
}

/** Reads all of standard input as one string. */
function readStdin() {
  return require("fs").readFileSync(0, "utf8");
}

const formulas = JSON.parse(readStdin());
const errors = [];
formulas.forEach((formula, index) => {
  const error = katexError(formula.tex, Boolean(formula.display));
  if (error !== null) {
    errors.push({ index, tex: formula.tex, error });
  }
});
process.stdout.write(JSON.stringify(errors));
