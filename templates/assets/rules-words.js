/* The rules program as CEL, part 3 of 4 (after rules-env.js): the words of reasons. A
   fact's value as reasons show it, and a reason's text with its placeholders filled in. */
(function (global) {
  "use strict";

  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  var parseDay = global.rulesParseDay;
  var toInt = global.rulesToInt;
  var thresholdEntry = global.rulesThreshold;

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

  global.rulesFactWords = factWords;
  global.rulesFill = rulesFill;
})(typeof globalThis !== "undefined" ? globalThis : this);
