/* The contract checker: asks, step by step, what the decision procedure needs to know and
   explains the outcome. Everything it asks and says comes from the rules program in
   #checker-data ("guidance-builder/rules@2"); the rules themselves are CEL, run by the rules
   scripts (rules-values.js, rules-env.js, rules-words.js, rules-walk.js, inlined in that
   order after the CEL bundle). The page's last script: checker-form.js makes and reads the
   fields and checker-outcome.js the outcome screen; this one keeps the answers, shows each
   step and moves between the screens. It knows fact types, never a fact, step or outcome.
   No network; works from file://. */
(function () {
  "use strict";

  var el = checkerEl;
  var guidanceLink = checkerGuidanceLink;
  var hidden = checkerHidden;

  var program = JSON.parse(document.getElementById("checker-data").textContent);
  var root = document.getElementById("checker");
  var pageTitle = document.title;

  function byKey(list, key) {
    var map = {};
    list.forEach(function (entry) { map[entry[key]] = entry; });
    return map;
  }
  var FORMAT = "guidance-builder/rules@2";
  if (program.format !== FORMAT) {
    cannotRun();
    throw new Error("the checker reads " + FORMAT + ", not " + program.format);
  }
  var facts = byKey(program.facts, "id");
  var steps = byKey(program.steps, "id");
  var items = byKey(program.items, "key");
  var env = rulesEnvironment(CEL, program);

  var drafts = {};   /* fact id -> what the form last held (kept to fill the form again) */
  var given = {};    /* fact id -> {step, value}: the answers the procedure goes on */
  var trail = [];    /* the steps answered on a screen, in order */
  var quiet = false; /* true while the first question is shown on load: focus stays at the top */

  function answers() {
    var out = {};
    Object.keys(given).forEach(function (id) { out[id] = given[id].value; });
    return out;
  }

  /* ---- Reading the form ---------------------------------------------------- */

  /* The answers given so far with the form's current ones: what asked_when looks at. */
  function tentative(form, fields) {
    var out = answers();
    fields.forEach(function (id) {
      var result = checkerRead(form, facts[id]);
      if (!result.error && result.value !== null) { out[id] = result.value; }
    });
    return out;
  }

  function askedNow(form, fields) {
    var values = rulesValues(env, program, tentative(form, fields));
    var shown = {};
    fields.forEach(function (id) {
      var when = facts[id].asked_when;
      shown[id] = !when || rulesEvaluate(env, when, values) === true;
    });
    return shown;
  }

  /* A date on which no threshold is in force cannot be compared with one: say so. */
  function thresholdProblem(form, fields, values) {
    var thresholds = program.thresholds || {};
    var dateFact = thresholds.date_fact;
    if (!dateFact || fields.indexOf(dateFact) < 0 || typeof values[dateFact] !== "string") { return null; }
    var type = values[thresholds.type_fact] !== undefined ? values[thresholds.type_fact] : (given[thresholds.type_fact] || {}).value;
    var entries = (thresholds.values || {})[type];
    if (!entries || !entries.length) { return null; }
    var flat = {};
    flat[thresholds.type_fact] = type;
    flat[dateFact] = rulesFactValue(facts[dateFact], values[dateFact]);
    if (rulesThreshold(program, flat)) { return null; }
    var typeFact = facts[thresholds.type_fact];
    return "No threshold is in force on that date for " + rulesFactWords(program, typeFact, type) +
      "; the guidance's thresholds start on " + rulesFactWords(program, facts[dateFact], rulesFactValue(facts[dateFact], entries[0].from));
  }

  /* ---- Screens -------------------------------------------------------------- */

  function clear() { root.textContent = ""; document.title = pageTitle; }

  function focusHeading() {
    if (quiet) { quiet = false; return; }
    var heading = root.querySelector("h2");
    if (heading) { heading.focus(); }
  }

  function buttons(withBack) {
    var group = el("div", { class: "govuk-button-group buttons" });
    if (withBack) {
      var back = el("button", { type: "button", class: "govuk-button govuk-button--secondary" }, ["Back"]);
      back.addEventListener("click", goBack);
      group.appendChild(back);
    }
    return group;
  }

  function stepCites(step) {
    var cited = step.asks.map(function (key) { return items[key]; }).filter(function (item) { return item.cite.label; });
    var parts = [];
    if (step.cite.label) { parts.push(el("p", { class: "govuk-body cite" }, ["This is ", guidanceLink(step.cite), " of the decision procedure in the guidance."])); }
    if (cited.length) {
      parts.push(el("p", { class: "govuk-body cite" }, [cited.length === 1 ? "It asks about:" : "It asks about each of:"]));
      parts.push(el("ul", { class: "govuk-list govuk-list--bullet cite" }, cited.map(function (item) {
        return el("li", {}, [item.name + " (", guidanceLink(item.cite), ")"]);
      })));
    }
    return parts;
  }

  function showStep(stepId) {
    var step = steps[stepId];
    var fields = rulesStepFacts(program, step).filter(function (id) { return given[id] === undefined; });
    /* A step whose questions the answers so far all rule out (asked_when) has nothing to ask:
       its facts are blank, given with the screen before it, so that going back undoes them. */
    var settled = rulesValues(env, program, answers());
    if (fields.length && fields.every(function (id) { return facts[id].asked_when && rulesEvaluate(env, facts[id].asked_when, settled) !== true; })) {
      fields.forEach(function (id) { given[id] = { step: trail[trail.length - 1], value: null, shown: false }; });
      next();
      return;
    }
    clear();
    var form = el("form", { class: "step", "data-step": step.id, novalidate: true, "aria-labelledby": "step-heading" });
    form.appendChild(el("h2", { class: "govuk-heading-l", id: "step-heading", tabindex: "-1" }, [
      el("span", { class: "govuk-caption-l step-number" }, ["Step " + step.number + " of " + program.steps.length]),
      " " + step.title
    ]));
    form.appendChild(el("div", { class: "govuk-error-summary error-summary", tabindex: "-1", hidden: true }));
    form.appendChild(el("p", { class: "govuk-body-l question" }, [step.question]));
    var groups = {};
    fields.forEach(function (id) {
      groups[id] = checkerField(facts[id], drafts[id]);
      form.appendChild(groups[id]);
    });
    stepCites(step).forEach(function (part) { form.appendChild(part); });
    var actions = buttons(trail.length > 0);
    actions.insertBefore(el("button", { type: "submit", class: "govuk-button" }, ["Continue"]), actions.firstChild);
    form.appendChild(actions);

    /* A question asked only when another answer calls for it (asked_when) shows as soon as it does. */
    function reveal() {
      var shown = askedNow(form, fields);
      fields.forEach(function (id) { groups[id].hidden = !shown[id]; });
      return shown;
    }
    form.addEventListener("change", reveal);
    form.addEventListener("input", reveal);
    reveal();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var shown = reveal();
      var problems = [];
      var values = {};
      fields.forEach(function (id) {
        var result = shown[id] ? checkerRead(form, facts[id]) : { value: null };
        if (result.error) { problems.push({ id: id, message: result.error }); } else { values[id] = result.value; }
      });
      var late = problems.length ? null : thresholdProblem(form, fields, values);
      if (late) { problems.push({ id: program.thresholds.date_fact, message: late }); }
      fields.forEach(function (id) {
        var problem = problems.filter(function (p) { return p.id === id; })[0];
        checkerShowError(form, facts[id], problem ? problem.message : null);
      });
      if (problems.length) { checkerShowProblems(form, problems, facts, pageTitle); return; }
      fields.forEach(function (id) {
        if (shown[id]) { drafts[id] = values[id]; }
        given[id] = { step: step.id, value: values[id], shown: shown[id] };
      });
      trail.push(step.id);
      next();
    });
    root.appendChild(form);
    focusHeading();
  }

  /* Undoes the last screen answered: its answers (and any its answers settled) are no longer given. */
  function undoLast() {
    var last = trail.pop();
    Object.keys(given).forEach(function (id) { if (given[id].step === last) { delete given[id]; } });
  }

  function goBack() {
    if (!trail.length) { return; }
    undoLast();
    next();
  }

  function changeFrom(stepId) {
    while (trail.indexOf(stepId) >= 0) { undoLast(); }
    next();
  }

  function showOutcome() {
    var assessment = rulesWalk(env, program, answers(), { partial: true });
    clear();
    var actions = buttons(true);
    var again = el("button", { type: "button", class: "govuk-button govuk-button--secondary" }, ["Start again"]);
    again.addEventListener("click", start);
    actions.appendChild(again);
    root.appendChild(checkerOutcome(program, assessment, checkerAnswers(program, facts, trail, given, changeFrom), actions));
    focusHeading();
  }

  function next() {
    var stepId = rulesNextStep(env, program, answers());
    if (stepId === null) { showOutcome(); } else { showStep(stepId); }
  }

  function start() {
    drafts = {};
    given = {};
    trail = [];
    next();
  }

  /* Rules the page cannot read are said so on the page, not left as a blank space. */
  function cannotRun() {
    root.appendChild(el("div", { class: "govuk-warning-text" }, [
      el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, ["!"]),
      el("strong", { class: "govuk-warning-text__text" }, [hidden("Warning"), "The checker cannot run: its rules do not check. Follow the decision procedure in the guidance."])
    ]));
  }

  var problems = rulesCheck(env, program);
  if (problems.length) {
    cannotRun();
    throw new Error("the rules program does not check: " + problems.join("; "));
  }
  quiet = true;
  start();
  root.setAttribute("data-ready", "true");
})();
