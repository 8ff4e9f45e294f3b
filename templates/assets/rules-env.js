/* The rules program ("guidance-builder/rules@2") as CEL: a typed environment, the values
   of the answers, and the walk through the decision procedure. The Python engine walks the
   same program with the same rules, so both give the same outcome, reasons and path.
   No page, no network: the checker page runs it after the CEL bundle, and node runs it
   for the golden cases (scripts/cel-golden.mjs). It defines only the globals listed at
   the end of this file. */
(function (global) {
  "use strict";

  var CEL_TYPES = {
    yes_no: "bool",
    money: "int",
    whole_number: "int",
    date: "google.protobuf.Timestamp",
    choice: "string",
    text: "string",
    choices: "list<string>"
  };
  var TYPE_ALIASES = { timestamp: "google.protobuf.Timestamp" };
  var INT64_MIN = -(2n ** 63n);
  var INT64_MAX = 2n ** 63n - 1n;
  var DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };

  /* ---- Values --------------------------------------------------------------- */

  /* A UTC midnight; setUTCFullYear because Date.UTC maps the years 0 to 99 to 1900 to 1999. */
  function utcDate(year, month, day) {
    var date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return date;
  }

  function parseDay(text) {
    var match = DAY.exec(String(text));
    if (!match) { throw new TypeError("a date must be written YYYY-MM-DD, not " + JSON.stringify(text)); }
    var year = Number(match[1]), month = Number(match[2]), day = Number(match[3]);
    var date = utcDate(year, month, day);
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      throw new RangeError("there is no date " + text);
    }
    return date;
  }

  function toInt(value) {
    var number;
    if (typeof value === "bigint") {
      number = value;
    } else if (typeof value === "number" && Number.isSafeInteger(value)) {
      number = BigInt(value);
    } else if (typeof value === "string" && /^-?[0-9]+$/.test(value.replace(/,/g, ""))) {
      number = BigInt(value.replace(/,/g, ""));
    } else {
      throw new TypeError("not a whole number: " + JSON.stringify(String(value)));
    }
    if (number < INT64_MIN || number > INT64_MAX) { throw new RangeError("out of CEL's int range: " + number); }
    return number;
  }

  function toTimestamp(value) {
    if (value instanceof Date) { return value; }
    return parseDay(value);
  }

  function celType(type) { return TYPE_ALIASES[type] || type; }

  /* The blank value of a CEL type: what a fact not asked, or left blank, takes. */
  function blankOf(type) {
    switch (celType(type)) {
      case "bool": return false;
      case "int": return 0n;
      case "string": return "";
      case "list<string>": return [];
      case "google.protobuf.Timestamp": return new Date(0);
    }
    throw new TypeError("no blank value for the CEL type " + type);
  }

  /* A JSON value (as the golden cases write them) as a value of a CEL type; null is blank. */
  function celValue(type, value) {
    if (value === null || value === undefined) { return blankOf(type); }
    switch (celType(type)) {
      case "bool":
        if (typeof value !== "boolean") { throw new TypeError("not true or false: " + JSON.stringify(value)); }
        return value;
      case "int": return toInt(value);
      case "string":
        if (typeof value !== "string") { throw new TypeError("not text: " + JSON.stringify(value)); }
        return value;
      case "list<string>":
        if (!Array.isArray(value) || value.some(function (v) { return typeof v !== "string"; })) {
          throw new TypeError("not a list of text: " + JSON.stringify(value));
        }
        return value.slice();
      case "google.protobuf.Timestamp": return toTimestamp(value);
    }
    throw new TypeError("unsupported CEL type " + type);
  }

  function factCelType(fact) {
    var type = CEL_TYPES[fact.type];
    if (!type) { throw new TypeError("fact " + fact.id + " has an unknown type " + fact.type); }
    return type;
  }

  function blankValue(fact) { return blankOf(factCelType(fact)); }

  /* An answer as the CEL value of its fact: yes_no true/false (or "true"/"false"); money and
     whole_number a BigInt, a safe integer or digits (commas ignored); date "YYYY-MM-DD" or a
     Date; choice and text a string; choices a list of strings. Undefined, null or "" (and
     an empty list) are blank. */
  function factValue(fact, answer) {
    if (answer === undefined || answer === null || answer === "") { return blankValue(fact); }
    if (fact.type === "yes_no" && (answer === "true" || answer === "false")) { return answer === "true"; }
    return celValue(factCelType(fact), answer);
  }

  /* {"a.b": 1, "c": 2} -> {a: {b: 1}, c: 2}: the activation CEL reads dotted names from. */
  function nest(values) {
    var out = {};
    Object.keys(values).forEach(function (name) {
      var parts = name.split(".");
      var node = out;
      for (var i = 0; i < parts.length - 1; i++) {
        if (!has(node, parts[i])) { node[parts[i]] = {}; }
        node = node[parts[i]];
      }
      node[parts[parts.length - 1]] = values[name];
    });
    return out;
  }

  /* ---- The environment ---------------------------------------------------------- */

  function entryInForce(values, type, date) {
    if (typeof type !== "string" || !has(values || {}, type) || !(date instanceof Date)) { return null; }
    var found = null;
    values[type].forEach(function (entry) {
      if (parseDay(entry.from).getTime() <= date.getTime()) { found = entry; }
    });
    return found;
  }

  /* A typed CEL environment. `declarations` maps each variable (dotted or not) to its CEL
     type; dotted names become fields of a variable named by their first segment, because
     cel-js does not resolve a variable declared with a dot. `constants` maps names to lists
     of strings; `thresholds` is the program's thresholds.values. */
  function celEnvironment(CEL, declarations, constants, thresholds) {
    var env = new CEL.Environment();
    var schemas = {};
    Object.keys(declarations).forEach(function (name) {
      var type = celType(declarations[name]);
      var parts = name.split(".");
      if (parts.length === 1) {
        if (has(schemas, name)) { throw new Error("'" + name + "' is declared both as a variable and as a group of dotted names"); }
        env.registerVariable(name, type);
        schemas[name] = null;
        return;
      }
      if (has(schemas, parts[0]) && schemas[parts[0]] === null) {
        throw new Error("'" + parts[0] + "' is declared both as a variable and as a group of dotted names");
      }
      var node = schemas[parts[0]] = schemas[parts[0]] || {};
      for (var i = 1; i < parts.length - 1; i++) {
        if (typeof node[parts[i]] === "string") { throw new Error("'" + name + "' is inside another variable"); }
        node = node[parts[i]] = node[parts[i]] || {};
      }
      if (has(node, parts[parts.length - 1])) { throw new Error("'" + name + "' is declared twice"); }
      node[parts[parts.length - 1]] = type;
    });
    Object.keys(schemas).forEach(function (name) {
      if (schemas[name]) { env.registerVariable({ name: name, schema: schemas[name] }); }
    });
    Object.keys(constants || {}).forEach(function (name) {
      if (has(schemas, name) || name.indexOf(".") >= 0) { throw new Error("the constant '" + name + "' clashes with a fact or has a dot"); }
      env.registerConstant(name, "list<string>", celValue("list<string>", constants[name]));
    });
    var values = thresholds || {};
    env.registerFunction("threshold(string, google.protobuf.Timestamp): int", function (type, date) {
      var entry = entryInForce(values, type, date);
      return entry ? toInt(entry.amount) : -1n;
    });
    return env;
  }

  /* The program's environment: its facts, its constants and threshold(). */
  function rulesEnvironment(CEL, program) {
    var declarations = {};
    program.facts.forEach(function (fact) { declarations[fact.id] = factCelType(fact); });
    return celEnvironment(CEL, declarations, program.constants, program.thresholds && program.thresholds.values);
  }

  /* ---- Evaluating ---------------------------------------------------------------- */

  var compiled = new WeakMap();

  function compile(env, expression) {
    var cache = compiled.get(env);
    if (!cache) { cache = new Map(); compiled.set(env, cache); }
    var run = cache.get(expression);
    if (!run) {
      var checked = env.check(expression);
      if (!checked.valid) { throw new Error("CEL: " + checked.error.message.split("\n")[0] + " in " + expression); }
      run = env.parse(expression);
      cache.set(expression, run);
    }
    return run;
  }

  /* The value of an expression, given the flat values ({"fact id": CEL value}). */
  function rulesEvaluate(env, expression, values) {
    return compile(env, expression)(nest(values));
  }

  function condition(env, expression, values) {
    var result = rulesEvaluate(env, expression, values);
    if (typeof result !== "boolean") { throw new Error("CEL: " + expression + " is not true or false"); }
    return result;
  }

  /* Every expression in the program, type-checked: a list of problems (empty when none). */
  function rulesCheck(env, program) {
    var problems = [];
    function look(where, expression) {
      if (expression === null || expression === undefined) { return; }
      var checked = env.check(expression);
      if (!checked.valid) {
        problems.push(where + ": " + checked.error.message.split("\n")[0] + " in " + expression);
      } else if (String(checked.type) !== "bool") {
        problems.push(where + ": " + expression + " gives " + checked.type + ", not bool");
      }
    }
    program.facts.forEach(function (fact) { look("fact " + fact.id + " asked_when", fact.asked_when); });
    program.items.forEach(function (item) {
      look(item.key + " condition", item.condition);
      ["yes", "no"].forEach(function (side) {
        (item.reasons[side] || []).forEach(function (reason, n) { look(item.key + " reasons." + side + "[" + n + "]", reason.when); });
      });
    });
    return problems;
  }

  /* The CEL value of every fact, as the procedure sees them: the answer, or the blank value
     when there is none; then, in facts order, a fact whose asked_when is false takes its
     blank value (each asked_when sees the values of the facts before it as settled). */
  function rulesValues(env, program, answers) {
    var values = {};
    program.facts.forEach(function (fact) {
      values[fact.id] = has(answers, fact.id) ? factValue(fact, answers[fact.id]) : blankValue(fact);
    });
    program.facts.forEach(function (fact) {
      if (fact.asked_when && !condition(env, fact.asked_when, values)) { values[fact.id] = blankValue(fact); }
    });
    return values;
  }

  /* ---- Words ---------------------------------------------------------------------- */

  function groupDigits(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function moneyWords(amount) {
    var n = toInt(amount);
    return (n < 0n ? "-" : "") + "\u00a3" + groupDigits((n < 0n ? -n : n).toString());
  }
  function longDate(program, date) {
    return date.getUTCDate() + " " + program.months[date.getUTCMonth()] + " " + date.getUTCFullYear();
  }
  function joinAnd(words) {
    if (words.length <= 1) { return words.join(""); }
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }
  function phraseOf(fact, id) {
    var choice = (fact.choices || []).filter(function (c) { return c.id === id; })[0];
    return choice ? choice.phrase : id;
  }

  /* A fact's value in words, as reasons show it. */
  function factWords(program, fact, value) {
    switch (fact.type) {
      case "money": return moneyWords(value);
      case "whole_number": return (value < 0n ? "-" : "") + groupDigits((value < 0n ? -value : value).toString());
      case "date": return longDate(program, value);
      case "yes_no": return value ? "yes" : "no";
      case "choice": return value === "" ? "none" : phraseOf(fact, value);
      case "choices": {
        var chosen = (fact.choices || []).filter(function (c) { return value.indexOf(c.id) >= 0; }).map(function (c) { return c.phrase; });
        return chosen.length ? joinAnd(chosen) : "none";
      }
      default: return String(value);
    }
  }

  function factsById(program) {
    var map = {};
    program.facts.forEach(function (fact) { map[fact.id] = fact; });
    return map;
  }

  /* The threshold in force for the values of thresholds.type_fact and date_fact, or null. */
  function thresholdEntry(program, values) {
    var thresholds = program.thresholds;
    if (!thresholds || !thresholds.type_fact || !thresholds.date_fact) { return null; }
    return entryInForce(thresholds.values, values[thresholds.type_fact], values[thresholds.date_fact]);
  }

  /* A reason's text with its {fact:ID} and {threshold:...} placeholders filled in. */
  function rulesFill(program, text, values) {
    var facts = factsById(program);
    return text.replace(/\{(fact|not_chosen|threshold):([A-Za-z0-9_.]+)\}/g, function (whole, kind, name) {
      if (kind === "fact" || kind === "not_chosen") {
        if (!has(facts, name)) { throw new Error("the placeholder " + whole + " names no fact"); }
        if (kind === "fact") { return factWords(program, facts[name], values[name]); }
        var others = (facts[name].choices || []).filter(function (c) { return values[name].indexOf(c.id) < 0; }).map(function (c) { return c.id; });
        return factWords(program, facts[name], others);
      }
      var thresholds = program.thresholds || {};
      var entry = thresholdEntry(program, values);
      if (name === "amount") { return entry ? moneyWords(entry.amount) : "no threshold"; }
      if (name === "from") { return entry ? longDate(program, parseDay(entry.from)) : "no date"; }
      if (name === "authority_type" && thresholds.type_fact) {
        return phraseOf(facts[thresholds.type_fact], values[thresholds.type_fact]);
      }
      throw new Error("unknown placeholder " + whole);
    });
  }

  /* ---- Walking the procedure --------------------------------------------------------- */

  function byKey(list, key) {
    var map = {};
    list.forEach(function (entry) { map[entry[key]] = entry; });
    return map;
  }

  /* The facts a step's items read, in facts order. */
  function rulesStepFacts(program, step) {
    var items = byKey(program.items, "key");
    var wanted = {};
    step.asks.forEach(function (key) {
      if (!has(items, key)) { throw new Error("step " + step.id + " asks about " + key + ", which is not an item"); }
      items[key].reads.forEach(function (id) { wanted[id] = true; });
    });
    return program.facts.map(function (fact) { return fact.id; }).filter(function (id) { return wanted[id]; });
  }

  function makeReason(env, program, item, side, stepId, values) {
    var cases = item.reasons[side] || [];
    for (var i = 0; i < cases.length; i++) {
      if (cases[i].when === null || cases[i].when === undefined || condition(env, cases[i].when, values)) {
        var cite = item.cite;
        if (cases[i].cites) {
          /* A case may cite another paragraph, named with the answer's id: 'ground.{fact:good_reason.ground}'. */
          var key = cases[i].cites.replace(/\{(fact|not_chosen|threshold):([A-Za-z0-9_.]+)\}/g, function (whole, kind, name) { return String(values[name]); });
          if (program.citations && has(program.citations, key)) { cite = { key: key, label: program.citations[key].label, anchor: program.citations[key].anchor }; }
        }
        return { text: rulesFill(program, cases[i].text, values), paragraph: cite.label, anchor: cite.anchor, cites: cite.key, step: stepId };
      }
    }
    throw new Error(item.key + " has no reason for '" + side + "' that applies");
  }

  /* The steps from the start to an outcome. With `known` (a set of fact ids), the walk stops
     at the first step that reads a fact not in it, and says which. */
  function walkSteps(env, program, values, known) {
    var steps = byKey(program.steps, "id");
    var items = byKey(program.items, "key");
    var decided = {};
    var path = [];
    var reasons = [];
    var step = steps[program.start];
    var lastExempt = [];  /* the exemptions answered yes at the latest step where any was */
    for (var guard = 0; guard <= program.steps.length; guard++) {
      if (!step) { throw new Error("the procedure goes to a step that does not exist"); }
      if (known && rulesStepFacts(program, step).some(function (id) { return !known.has(id); })) {
        return { pending: step.id, path: path };
      }
      path.push(step.id);
      var answered = step.asks.map(function (key) {
        if (!has(decided, key)) { decided[key] = condition(env, items[key].condition, values); }
        return key;
      });
      var hit = answered.some(function (key) { return decided[key]; });
      var shown = hit ? answered.filter(function (key) { return decided[key]; }) : answered;
      shown.forEach(function (key) { reasons.push(makeReason(env, program, items[key], hit ? "yes" : "no", step.id, values)); });
      var yesExempt = answered.filter(function (key) { return decided[key] && items[key].kind === "exemption"; });
      if (yesExempt.length) { lastExempt = yesExempt.map(function (key) { return items[key].id; }); }
      var branch = hit ? step.if_any : step.if_none;
      if (branch.outcome) {
        return { outcome: branch.outcome, path: path, reasons: reasons, decided: decided, hit: hit, last: step, lastExempt: lastExempt };
      }
      step = steps[branch.next];
    }
    throw new Error("the procedure goes round in a circle");
  }

  function knownFacts(answers) {
    return new Set(Object.keys(answers).filter(function (id) { return answers[id] !== undefined; }));
  }

  /* The next step that needs answers not yet given, or null when the answers reach an outcome. */
  function rulesNextStep(env, program, answers) {
    var walked = walkSteps(env, program, rulesValues(env, program, answers), knownFacts(answers));
    return walked.pending === undefined ? null : walked.pending;
  }

  /* The assessment of a set of answers ({"fact id": answer}), exactly as the Python engine
     gives it. A fact with no answer is blank. With {partial: true} (the checker page, which
     asks only what the path needs), an item off the path that reads a fact with no answer is
     left undecided rather than decided on blanks, and listed by key in `undecided`. */
  function rulesWalk(env, program, answers, options) {
    var partial = !!(options && options.partial);
    var known = knownFacts(answers);
    var values = rulesValues(env, program, answers);
    var walked = walkSteps(env, program, values, partial ? known : null);
    if (walked.pending !== undefined) { throw new Error("step " + walked.pending + " needs answers that were not given"); }
    var decided = walked.decided;
    var reasons = walked.reasons;
    var itemsByKey = byKey(program.items, "key");
    var undecided = [];
    function decide(item) {
      if (has(decided, item.key)) { return decided[item.key]; }
      if (partial && item.reads.some(function (id) { return !known.has(id); })) { undecided.push(item.key); return null; }
      return condition(env, item.condition, values);
    }
    var decidedBy = walked.lastExempt;
    var exemptions = [];
    program.items.forEach(function (item) {
      if (item.kind !== "exemption") { return; }
      if (decide(item) === true) {
        exemptions.push(item.id);
        if (!has(decided, item.key)) { reasons.push(makeReason(env, program, item, "yes", null, values)); }
      }
    });
    var criteriaMet = program.items.filter(function (item) { return item.kind === "criterion" && decide(item) === true; }).map(function (item) { return item.id; });
    var outcome = byKey(program.outcomes, "id")[walked.outcome];
    if (!outcome) { throw new Error("the procedure ends in an outcome that does not exist: " + walked.outcome); }
    reasons.push({ text: outcome.reason, paragraph: outcome.cite.label, anchor: outcome.cite.anchor, cites: outcome.cite.key, step: null });
    var thresholds = program.thresholds || {};
    var entry = partial && !(known.has(thresholds.type_fact) && known.has(thresholds.date_fact)) ? null : thresholdEntry(program, values);
    var assessment = {
      outcome: outcome.id,
      outcome_name: outcome.name,
      exemptions: exemptions,
      decided_by: decidedBy,
      criteria_met: criteriaMet,
      threshold: entry ? { amount_gbp: Number(entry.amount), authority_type: values[thresholds.type_fact], in_force_from: entry.from, reference: entry.reference } : null,
      reasons: reasons,
      path: walked.path,
      guidance_version: program.version
    };
    if (partial) { assessment.undecided = undecided; }
    return assessment;
  }

  /* A CEL value as JSON: ints as numbers (as strings beyond 2^53), timestamps as YYYY-MM-DD
     at midnight (ISO 8601 otherwise), lists element by element. */
  function celJson(value) {
    if (typeof value === "bigint") {
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    }
    if (value instanceof Date) {
      var iso = value.toISOString();
      return iso.slice(10) === "T00:00:00.000Z" ? iso.slice(0, 10) : iso;
    }
    if (Array.isArray(value)) { return value.map(celJson); }
    return value;
  }

  global.rulesEnvironment = rulesEnvironment;
  global.rulesCelEnvironment = celEnvironment;
  global.rulesCelValue = celValue;
  global.rulesCelJson = celJson;
  global.rulesFactValue = factValue;
  global.rulesBlankValue = blankValue;
  global.rulesValues = rulesValues;
  global.rulesEvaluate = rulesEvaluate;
  global.rulesCheck = rulesCheck;
  global.rulesFill = rulesFill;
  global.rulesFactWords = factWords;
  global.rulesThreshold = thresholdEntry;
  global.rulesStepFacts = rulesStepFacts;
  global.rulesNextStep = rulesNextStep;
  global.rulesWalk = rulesWalk;
})(typeof globalThis !== "undefined" ? globalThis : this);
