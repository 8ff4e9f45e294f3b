/* The rules program as CEL, part 4 of 4 (after rules-words.js): the walk through the
   decision procedure, step by step, to an outcome with its reasons and path, exactly as the
   Python engine walks it; or, with answers still to give, the next step that needs them. */
(function (global) {
  "use strict";

  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  var condition = global.rulesCondition;
  var rulesValues = global.rulesValues;
  var thresholdEntry = global.rulesThreshold;
  var rulesFill = global.rulesFill;

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

  global.rulesStepFacts = rulesStepFacts;
  global.rulesNextStep = rulesNextStep;
  global.rulesWalk = rulesWalk;
})(typeof globalThis !== "undefined" ? globalThis : this);
