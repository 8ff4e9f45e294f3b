/* The rules program ("guidance-builder/rules@2") as CEL, part 1 of 4: the values. Each fact
   type's CEL type, an answer as the CEL value of its fact, the blank values, and CEL values
   back as JSON. The rules scripts run in this order, after the CEL bundle: rules-values.js,
   rules-env.js (the typed environment and the values the procedure sees), rules-words.js
   (reasons in words) and rules-walk.js (the walk through the decision procedure). The
   Python engine walks the same program with the same rules, so both give the same outcome,
   reasons and path. No page, no network: the checker page runs them, and node runs them
   for the golden cases (scripts/cel-golden.mjs). Each defines only the globals listed at
   its end; the later scripts read this one's. */
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

  global.rulesCelType = celType;
  global.rulesParseDay = parseDay;
  global.rulesToInt = toInt;
  global.rulesFactCelType = factCelType;
  global.rulesNest = nest;
  global.rulesCelValue = celValue;
  global.rulesCelJson = celJson;
  global.rulesFactValue = factValue;
  global.rulesBlankValue = blankValue;
})(typeof globalThis !== "undefined" ? globalThis : this);
