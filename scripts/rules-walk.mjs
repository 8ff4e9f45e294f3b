#!/usr/bin/env node
// Walks a rules program with the checker page's own scripts (.deps/cel.js, then the rules
// scripts templates/assets/checker-scripts.json lists), outside any browser: what the page
// would conclude.
// Reads {"program": {...}, "cases": [{"answers": {"fact id": answer}, "partial": bool}]}
// on standard input; writes a JSON list with one assessment per case (or {"error"}).
// Usage: node scripts/rules-walk.mjs < request.json
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const deps = process.env.GUIDANCE_BUILDER_DEPS || path.join(root, ".deps");
const assets = path.join(root, "templates", "assets");
const { rules } = JSON.parse(fs.readFileSync(path.join(assets, "checker-scripts.json"), "utf8"));
for (const script of [path.join(deps, "cel.js"), ...rules.map((name) => path.join(assets, name))]) {
  vm.runInThisContext(fs.readFileSync(script, "utf8"), { filename: script });
}
const { CEL, rulesEnvironment, rulesCheck, rulesWalk } = globalThis;

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const env = rulesEnvironment(CEL, request.program);
const problems = rulesCheck(env, request.program);
if (problems.length) {
  console.error(`rules-walk: the program does not check:\n${problems.join("\n")}`);
  process.exit(2);
}
const results = request.cases.map((testCase) => {
  try {
    return rulesWalk(env, request.program, testCase.answers, { partial: !!testCase.partial });
  } catch (error) {
    return { error: error.message };
  }
});
process.stdout.write(JSON.stringify(results) + "\n");
