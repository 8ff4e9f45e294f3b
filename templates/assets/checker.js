/* The contract checker: asks, step by step, what the decision procedure needs to know and
   explains the outcome. Everything it asks and says comes from the rules program in
   #checker-data ("guidance-builder/rules@2"); the rules themselves are CEL, run by
   rules-env.js (inlined before this script, after the CEL bundle). This script is only the
   form: it knows fact types, never a fact, step or outcome. No network; works from file://. */
(function () {
  "use strict";

  var program = JSON.parse(document.getElementById("checker-data").textContent);
  var root = document.getElementById("checker");
  var guidance = root.getAttribute("data-guidance");
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
  var outcomes = byKey(program.outcomes, "id");
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

  /* ---- Building the page --------------------------------------------------- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === true) { node.setAttribute(name, ""); } else if (value !== false && value !== null && value !== undefined) { node.setAttribute(name, value); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function guidanceLink(cite, text) {
    return el("a", { class: "govuk-link", href: guidance + "#" + cite.anchor }, [text || cite.label]);
  }

  function hidden(text) { return el("span", { class: "govuk-visually-hidden" }, [text]); }

  function fieldId(id) { return "field-" + id.replace(/[^a-z0-9]+/gi, "-"); }

  function legendText(fact) { return fact.question + (fact.optional ? " (optional)" : ""); }

  /* The parts every question has: its hint and the place for its error. */
  function described(fact, id) {
    var parts = [];
    if (fact.help) { parts.push(el("div", { class: "govuk-hint", id: id + "-hint" }, [fact.help])); }
    parts.push(el("p", { class: "govuk-error-message", id: id + "-error", hidden: true }));
    return parts;
  }

  function fieldset(fact, id, children) {
    var legend = el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m", id: id + "-legend" }, [legendText(fact)]);
    var set = el("fieldset", { class: "govuk-fieldset", id: id, "data-field": fact.id, "aria-describedby": fact.help ? id + "-hint" : null },
      [legend].concat(described(fact, id), children));
    return el("div", { class: "govuk-form-group", id: id + "-group" }, [set]);
  }

  function radios(fact, id, options, inline, extra) {
    var chosen = drafts[fact.id];
    var list = el("div", { class: "govuk-radios" + (inline ? " govuk-radios--inline" : "") });
    options.forEach(function (option, index) {
      if (option.divider) { list.appendChild(el("div", { class: "govuk-radios__divider" }, [option.divider])); return; }
      var inputId = id + "-" + index;
      var input = el("input", { class: "govuk-radios__input", type: "radio", name: fact.id, id: inputId, value: option.value });
      input.checked = chosen !== undefined && chosen !== null && String(chosen) === option.value;
      list.appendChild(el("div", { class: "govuk-radios__item" }, [input, el("label", { class: "govuk-label govuk-radios__label", for: inputId }, [option.label])]));
    });
    return fieldset(fact, id, [list].concat(extra || []));
  }

  function textInput(fact, id, attributes, prefix) {
    var input = el("input", Object.assign({ type: "text", id: id + "-input", name: fact.id, autocomplete: "off", spellcheck: "false" }, attributes));
    input.value = drafts[fact.id] === undefined || drafts[fact.id] === null ? "" : String(drafts[fact.id]);
    var control = prefix
      ? el("div", { class: "govuk-input__wrapper" }, [el("div", { class: "govuk-input__prefix", "aria-hidden": "true" }, [prefix]), input])
      : input;
    return labelled(fact, id, input, control);
  }

  function labelled(fact, id, input, control) {
    if (fact.help) { input.setAttribute("aria-describedby", id + "-hint"); }
    var label = el("label", { class: "govuk-label govuk-label--m", for: input.id, id: id + "-legend" }, [legendText(fact)]);
    return el("div", { class: "govuk-form-group", id: id + "-group" }, [
      el("div", { id: id, "data-field": fact.id }, [label].concat(described(fact, id), [control]))
    ]);
  }

  function buildField(fact) {
    var id = fieldId(fact.id);
    switch (fact.type) {
      case "yes_no":
        return radios(fact, id, [{ value: "true", label: "Yes" }, { value: "false", label: "No" }], true);
      case "choice": {
        var options = fact.choices.map(function (c) { return { value: c.id, label: c.name }; });
        if (fact.optional) { options.push({ divider: "or" }, { value: "", label: "None of these" }); }
        return radios(fact, id, options, false);
      }
      case "choices": {
        var chosen = drafts[fact.id] || [];
        var boxes = fact.choices.map(function (c, index) {
          var inputId = id + "-" + index;
          var box = el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: inputId, name: fact.id, value: c.id });
          box.checked = chosen.indexOf(c.id) >= 0;
          return el("div", { class: "govuk-checkboxes__item" }, [box, el("label", { class: "govuk-label govuk-checkboxes__label", for: inputId }, [c.name])]);
        });
        return fieldset(fact, id, [el("div", { class: "govuk-checkboxes" }, boxes)]);
      }
      case "money":
        return textInput(fact, id, { inputmode: "numeric", class: "govuk-input govuk-input--width-10" }, "\u00a3");
      case "whole_number":
        return textInput(fact, id, { inputmode: "numeric", class: "govuk-input govuk-input--width-10" });
      case "date": {
        var parts = typeof drafts[fact.id] === "string" ? drafts[fact.id].split("-") : ["", "", ""];
        var boxesDate = [["day", "Day", parts[2], 2], ["month", "Month", parts[1], 2], ["year", "Year", parts[0], 4]].map(function (part) {
          var inputId = id + "-" + part[0];
          var input = el("input", { type: "text", id: inputId, name: fact.id + "." + part[0], inputmode: "numeric", autocomplete: "off", class: "govuk-input govuk-date-input__input govuk-input--width-" + part[3] + " input-date-" + part[0] });
          input.value = part[2] && part[0] !== "year" ? String(Number(part[2])) : (part[2] || "");
          return el("div", { class: "govuk-date-input__item" }, [el("div", { class: "govuk-form-group" }, [el("label", { class: "govuk-label govuk-date-input__label", for: inputId }, [part[1]]), input])]);
        });
        return fieldset(fact, id, [el("div", { class: "govuk-date-input", id: id + "-parts" }, boxesDate)]);
      }
      case "text": {
        var area = el("textarea", { class: "govuk-textarea", id: id + "-input", name: fact.id, rows: "4", spellcheck: "true" });
        area.value = drafts[fact.id] || "";
        return labelled(fact, id, area, area);
      }
    }
    throw new Error("the checker cannot ask a fact of type " + fact.type);
  }

  /* ---- Reading answers ------------------------------------------------------ */

  var INT64_MAX = 2n ** 63n - 1n;

  function checkedRadio(form, name) {
    var inputs = form.querySelectorAll("input[type=radio]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].name === name && inputs[i].checked) { return inputs[i].value; }
    }
    return null;
  }

  /* What the form holds for a fact: {value} (null when blank), or {error}. */
  function read(form, fact) {
    var id = fieldId(fact.id);
    var blank = { value: null };
    switch (fact.type) {
      case "yes_no":
      case "choice": {
        var value = checkedRadio(form, fact.id);
        if (value === null || value === "") {
          return fact.optional ? { value: value === "" ? "" : null } : { error: "Select an answer" };
        }
        return { value: fact.type === "yes_no" ? value === "true" : value };
      }
      case "choices": {
        var values = [];
        form.querySelectorAll("input[type=checkbox]").forEach(function (box) { if (box.name === fact.id && box.checked) { values.push(box.value); } });
        if (!values.length && !fact.optional) { return { error: "Select at least one answer" }; }
        return { value: values };
      }
      case "money":
      case "whole_number": {
        var raw = form.querySelector("#" + id + "-input").value.trim();
        if (raw === "") { return fact.optional ? blank : { error: fact.type === "money" ? "Enter an amount in pounds" : "Enter a number" }; }
        var digits = raw.replace(/,/g, "");
        if (!/^[0-9]+$/.test(digits)) {
          return { error: fact.type === "money" ? "Enter a whole number of pounds, using digits only, for example 240000" : "Enter a whole number, using digits only, for example 12" };
        }
        if (BigInt(digits) > INT64_MAX) { return { error: "Enter a smaller number" }; }
        return { value: BigInt(digits).toString() };
      }
      case "date": {
        var base = "#" + id + "-";
        var day = form.querySelector(base + "day").value.trim();
        var month = form.querySelector(base + "month").value.trim();
        var year = form.querySelector(base + "year").value.trim();
        if (!day && !month && !year) { return fact.optional ? blank : { error: "Enter a date" }; }
        if (!/^[0-9]{1,2}$/.test(day) || !/^[0-9]{1,2}$/.test(month) || !/^[0-9]{4}$/.test(year)) {
          return { error: "Enter the date as a day, month and 4-digit year, for example 30 9 2026" };
        }
        var d = Number(day), m = Number(month), y = Number(year);
        var check = new Date(Date.UTC(y, m - 1, d));
        if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
          return { error: "Enter a real date" };
        }
        return { value: year + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d };
      }
      case "text": {
        var text = form.querySelector("#" + id + "-input").value;
        if (text.trim() === "") { return fact.optional ? { value: "" } : { error: "Enter an answer" }; }
        return { value: text };
      }
    }
    throw new Error("the checker cannot read a fact of type " + fact.type);
  }

  /* The answers given so far with the form's current ones: what asked_when looks at. */
  function tentative(form, fields) {
    var out = answers();
    fields.forEach(function (id) {
      var result = read(form, facts[id]);
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

  function showError(form, id, message) {
    var group = document.getElementById(fieldId(id) + "-group");
    var box = document.getElementById(fieldId(id) + "-error");
    group.classList.toggle("govuk-form-group--error", !!message);
    box.hidden = !message;
    box.textContent = "";
    if (message) { box.appendChild(hidden("Error: ")); box.appendChild(document.createTextNode(message)); }
    var field = document.getElementById(fieldId(id));
    var describedBy = [];
    if (facts[id].help) { describedBy.push(fieldId(id) + "-hint"); }
    if (message) { describedBy.push(fieldId(id) + "-error"); }
    var target = field.tagName === "FIELDSET" ? field : field.querySelector("input, textarea");
    if (describedBy.length) { target.setAttribute("aria-describedby", describedBy.join(" ")); } else { target.removeAttribute("aria-describedby"); }
    field.querySelectorAll(".govuk-input, .govuk-textarea").forEach(function (input) {
      input.classList.toggle(input.tagName === "TEXTAREA" ? "govuk-textarea--error" : "govuk-input--error", !!message);
    });
  }

  function firstInput(id) {
    var field = document.getElementById(fieldId(id));
    return field ? field.querySelector("input, textarea") : null;
  }

  function showProblems(form, problems) {
    var summary = form.querySelector(".error-summary");
    summary.textContent = "";
    var list = el("ul", { class: "govuk-list govuk-error-summary__list" });
    problems.forEach(function (problem) {
      var target = firstInput(problem.id);
      var link = el("a", { href: "#" + (target ? target.id : fieldId(problem.id)) }, [problem.message + " (" + facts[problem.id].question + ")"]);
      link.addEventListener("click", function (event) {
        if (target) { event.preventDefault(); target.focus(); }
      });
      list.appendChild(el("li", {}, [link]));
    });
    summary.appendChild(el("div", { role: "alert" }, [
      el("h3", { class: "govuk-error-summary__title" }, ["There is a problem"]),
      el("div", { class: "govuk-error-summary__body" }, [list])
    ]));
    summary.hidden = false;
    document.title = "Error: " + pageTitle;
    summary.focus();
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
      groups[id] = buildField(facts[id]);
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
        var result = shown[id] ? read(form, facts[id]) : { value: null };
        if (result.error) { problems.push({ id: id, message: result.error }); } else { values[id] = result.value; }
      });
      var late = problems.length ? null : thresholdProblem(form, fields, values);
      if (late) { problems.push({ id: program.thresholds.date_fact, message: late }); }
      fields.forEach(function (id) {
        var problem = problems.filter(function (p) { return p.id === id; })[0];
        showError(form, id, problem ? problem.message : null);
      });
      if (problems.length) { showProblems(form, problems); return; }
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

  function answerWords(fact, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return "Not given"; }
    switch (fact.type) {
      case "yes_no": return value ? "Yes" : "No";
      case "choice": return (fact.choices.filter(function (c) { return c.id === value; })[0] || { name: value }).name;
      case "choices": return fact.choices.filter(function (c) { return value.indexOf(c.id) >= 0; }).map(function (c) { return c.name; }).join("; ");
      case "text": return value;
    }
    return rulesFactWords(program, fact, rulesFactValue(fact, value));
  }

  function answersList() {
    var rows = [];
    trail.forEach(function (stepId) {
      Object.keys(given).filter(function (id) { return given[id].step === stepId && given[id].shown; }).sort(function (a, b) {
        return program.facts.indexOf(facts[a]) - program.facts.indexOf(facts[b]);
      }).forEach(function (id) {
        var fact = facts[id];
        var change = el("a", { class: "govuk-link", href: "#" + fieldId(id) }, ["Change", hidden(" " + fact.question.charAt(0).toLowerCase() + fact.question.slice(1))]);
        change.addEventListener("click", function (event) { event.preventDefault(); changeFrom(stepId); });
        rows.push(el("div", { class: "govuk-summary-list__row", "data-fact": id }, [
          el("dt", { class: "govuk-summary-list__key" }, [fact.question]),
          el("dd", { class: "govuk-summary-list__value" }, [answerWords(fact, given[id].value)]),
          el("dd", { class: "govuk-summary-list__actions" }, [change])
        ]));
      });
    });
    return el("dl", { class: "govuk-summary-list answers" }, rows);
  }

  function showOutcome() {
    var assessment = rulesWalk(env, program, answers(), { partial: true });
    var outcome = outcomes[assessment.outcome];
    clear();
    var section = el("section", { class: "outcome", "data-outcome": outcome.id, "data-decided-by": assessment.decided_by.join(" "), "aria-labelledby": "outcome-heading" });
    section.appendChild(el("div", { class: "govuk-panel govuk-panel--confirmation outcome-panel" }, [
      el("h2", { class: "govuk-panel__title", id: "outcome-heading", tabindex: "-1" }, [el("span", { class: "outcome-caption" }, ["Outcome"]), " " + outcome.name]),
      el("div", { class: "govuk-panel__body outcome-description" }, [outcome.description])
    ]));
    if (outcome.cite.label) {
      section.appendChild(el("p", { class: "govuk-body cite" }, ["The guidance sets out this outcome in ", guidanceLink(outcome.cite), "."]));
    }
    var exemptions = byKey(program.items.filter(function (item) { return item.kind === "exemption"; }), "id");
    assessment.decided_by.forEach(function (id) {
      section.appendChild(el("p", { class: "govuk-body decided-by" }, ["Exemption: ", guidanceLink(exemptions[id].cite, exemptions[id].name), "."]));
    });
    section.appendChild(el("h3", { class: "govuk-heading-m" }, ["Why"]));
    var list = el("ol", { class: "govuk-list govuk-list--number reasons" });
    assessment.reasons.forEach(function (r) {
      /* As the engine cites it: the sentence, then its paragraph before the full stop. */
      var item = el("li", { class: "reason", "data-cites": r.cites, "data-step": r.step || "" });
      if (r.paragraph) {
        var body = r.text.charAt(r.text.length - 1) === "." ? r.text.slice(0, -1) : r.text;
        item.appendChild(document.createTextNode(body + " ("));
        item.appendChild(guidanceLink({ anchor: r.anchor, label: r.paragraph }));
        item.appendChild(document.createTextNode(")."));
      } else {
        item.appendChild(document.createTextNode(r.text));
      }
      list.appendChild(item);
    });
    section.appendChild(list);
    var undecided = assessment.undecided.map(function (key) { return items[key]; }).filter(function (item) { return item.kind === "exemption"; });
    if (undecided.length) {
      section.appendChild(el("p", { class: "govuk-body note undecided" }, [
        "The checker asked only what this outcome needed, so it has not looked at: " + undecided.map(function (item) { return item.name; }).join("; ") + "."
      ]));
    }
    section.appendChild(el("h3", { class: "govuk-heading-m" }, ["Your answers"]));
    section.appendChild(answersList());
    section.appendChild(el("p", { class: "govuk-body note" }, ["Record the assessment, the answers and the evidence, as the guidance sets out."]));
    var actions = buttons(true);
    var again = el("button", { type: "button", class: "govuk-button govuk-button--secondary" }, ["Start again"]);
    again.addEventListener("click", start);
    actions.appendChild(again);
    section.appendChild(actions);
    root.appendChild(section);
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
