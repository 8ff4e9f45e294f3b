/* The rules program as CEL, part 2 of 4 (after rules-values.js): the typed CEL environment
   of a program, with threshold(); evaluating and type-checking its expressions; and the
   value of every fact as the procedure sees it. */
(function (global) {
  "use strict";

  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  var celType = global.rulesCelType;
  var parseDay = global.rulesParseDay;
  var toInt = global.rulesToInt;
  var factCelType = global.rulesFactCelType;
  var nest = global.rulesNest;
  var celValue = global.rulesCelValue;
  var factValue = global.rulesFactValue;
  var blankValue = global.rulesBlankValue;

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

  /* The threshold in force for the values of thresholds.type_fact and date_fact, or null. */
  function thresholdEntry(program, values) {
    var thresholds = program.thresholds;
    if (!thresholds || !thresholds.type_fact || !thresholds.date_fact) { return null; }
    return entryInForce(thresholds.values, values[thresholds.type_fact], values[thresholds.date_fact]);
  }

  global.rulesEnvironment = rulesEnvironment;
  global.rulesCelEnvironment = celEnvironment;
  global.rulesValues = rulesValues;
  global.rulesEvaluate = rulesEvaluate;
  global.rulesCondition = condition;
  global.rulesCheck = rulesCheck;
  global.rulesThreshold = thresholdEntry;
})(typeof globalThis !== "undefined" ? globalThis : this);
