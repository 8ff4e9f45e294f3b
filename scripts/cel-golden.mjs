#!/usr/bin/env node
// Runs the golden CEL cases (tests/cel/golden.json) through the checker page's own CEL: the
// bundle that scripts/setup builds (.deps/cel.js) and the rules scripts that
// templates/assets/checker-scripts.json lists, loaded as the page loads them, as plain
// scripts. Prints one JSON line per case:
//   {"name", "ok", "result"} or {"name", "ok", "error"}
// and exits 1 if any case differs from what the file expects (2 if the cases cannot be read).
// Usage: node scripts/cel-golden.mjs [golden.json]
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const deps = process.env.GUIDANCE_BUILDER_DEPS || path.join(root, ".deps");
const file = process.argv[2] || path.join(root, "tests", "cel", "golden.json");

// In this realm, not a fresh vm context: cel-js tells a timestamp by `instanceof Date`, and
// the Dates the rules scripts make must be the same Date it knows.
const assets = path.join(root, "templates", "assets");
const { rules } = JSON.parse(fs.readFileSync(path.join(assets, "checker-scripts.json"), "utf8"));
for (const script of [path.join(deps, "cel.js"), ...rules.map((name) => path.join(assets, name))]) {
  vm.runInThisContext(fs.readFileSync(script, "utf8"), { filename: script });
}
const { CEL, rulesCelEnvironment, rulesCelValue, rulesCelJson } = globalThis;

function run(testCase) {
  const declarations = {};
  const values = {};
  for (const [name, variable] of Object.entries(testCase.vars)) {
    declarations[name] = variable.type;
    values[name] = rulesCelValue(variable.type, variable.value);
  }
  const env = rulesCelEnvironment(CEL, declarations, {}, testCase.thresholds || {});
  let checked;
  try {
    checked = env.check(testCase.expression);
  } catch (error) {
    return { error: `parse: ${error.message.split("\n")[0]}` };
  }
  if (!checked.valid) {
    return { error: `check: ${checked.error.message.split("\n")[0]}` };
  }
  try {
    return { result: rulesCelJson(globalThis.rulesEvaluate(env, testCase.expression, values)) };
  } catch (error) {
    return { error: `evaluate: ${error.message.split("\n")[0]}` };
  }
}

// Ints are equal however the file writes them (a number, or a string beyond 2^53).
function same(result, expected) {
  if (Array.isArray(expected)) {
    return Array.isArray(result) && result.length === expected.length && expected.every((e, n) => same(result[n], e));
  }
  const integer = (v) => (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v));
  if (integer(result) && integer(expected) && typeof result !== typeof expected) {
    return BigInt(result) === BigInt(expected);
  }
  return result === expected;
}

let cases;
try {
  cases = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (error) {
  console.error(`cel-golden: cannot read ${file}: ${error.message}`);
  process.exit(2);
}
let failed = 0;
for (const testCase of cases) {
  const outcome = run(testCase);
  const ok = testCase.error ? "error" in outcome : !("error" in outcome) && same(outcome.result, testCase.expected);
  if (!ok) failed += 1;
  console.log(JSON.stringify({ name: testCase.name, ok, ...outcome }));
}
console.error(`cel-golden: ${cases.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
