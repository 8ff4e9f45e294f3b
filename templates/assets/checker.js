/* The contract checker: asks the decision procedure's questions in order and
   explains the outcome. Generated data (the steps, thresholds, names, citations
   and sentence templates) comes from the rules that write the guidance; this
   script only interprets it, as guidance_builder/engine/rules.py does.
   Plain ES5-style JavaScript, no libraries, no network; works from file://. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("checker-data").textContent);
  var root = document.getElementById("checker");
  var guidance = root.getAttribute("data-guidance");

  function byId(list) {
    var map = {};
    list.forEach(function (item) { map[item.id] = item; });
    return map;
  }
  var steps = byId(data.steps);
  var triggers = byId(data.triggers);
  var criteria = byId(data.criteria);
  var exemptions = byId(data.exemptions);
  var grounds = byId(data.grounds);
  var authorities = byId(data.authority_types);
  var outcomes = byId(data.outcomes);
  var stepCount = data.steps.length;

  var answers = {};   /* field name -> answer */
  var askedAt = {};   /* field name -> the step that asked it */
  var trail = [];     /* steps answered so far: {step, reasons, decided} */
  var quiet = false;  /* true while the first question is shown on load: focus stays at the top */

  /* ---- Words, as engine/reasons.py writes them ---------------------------- */

  function fill(name, words) {
    return data.templates[name].replace(/\{(\w+)\}/g, function (whole, key) { return words[key]; });
  }
  function money(digits) { return "\u00a3" + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function longDate(iso) {
    var parts = iso.split("-");
    return String(Number(parts[2])) + " " + data.months[Number(parts[1]) - 1] + " " + parts[0];
  }
  function joinWords(words, conjunction) {
    if (words.length <= 1) { return words.join(""); }
    return words.slice(0, -1).join(", ") + " " + conjunction + " " + words[words.length - 1];
  }
  function reason(text, cite, step) {
    return { text: text, key: cite.key, label: cite.label, anchor: cite.anchor, step: step };
  }
  function supportCite(id) {
    for (var i = 0; i < data.support_measures.length; i++) {
      if (data.support_measures[i].id === id) { return data.support_measures[i]; }
    }
    return null;
  }

  /* ---- The rules ------------------------------------------------------------ */

  function thresholdFor(type, iso) {
    var found = null;
    authorities[type].values.forEach(function (value) { if (value.from <= iso) { found = value; } });
    return found;
  }

  function exemptionResult(id, stepId) {
    var exemption = exemptions[id];
    var rule = exemption.rule;
    var cite = exemption.cite;
    if (rule.kind === "not_relevant_contract") {
      var outside = answers.relevant_contract === false;
      return { applies: outside, reasons: [reason(fill(outside ? "not_relevant_applies" : "not_relevant_not", {}), cite, stepId)] };
    }
    if (rule.kind === "below_threshold") {
      var threshold = thresholdFor(answers.authority_type, answers.event_date);
      var value = BigInt(answers.value_gbp);
      var amount = BigInt(threshold.amount);
      var below = value < amount;
      var template = below ? "below_applies" : (value === amount ? "below_equal" : "below_not");
      var text = fill(template, {
        value: money(value.toString()),
        threshold: money(amount.toString()),
        from: longDate(threshold.from),
        authority_type: authorities[answers.authority_type].phrase
      });
      return { applies: below, reasons: [reason(text, cite, stepId)] };
    }
    if (rule.kind === "between_parties") {
      var a = answers.authority_type;
      var p = answers.provider_type;
      var covered = (rule.one_party.indexOf(a) >= 0 && rule.other_party.indexOf(p) >= 0) ||
        (rule.one_party.indexOf(p) >= 0 && rule.other_party.indexOf(a) >= 0);
      var words = { authority: data.party_labels[a], provider: data.party_labels[p] };
      return { applies: covered, reasons: [reason(fill(covered ? "parties_applies" : "parties_not", words), cite, stepId)] };
    }
    if (rule.kind === "good_reason") {
      var groundId = answers["good_reason.ground"];
      if (!groundId || groundId === "none") {
        return { applies: false, reasons: [reason(fill("reason_none", {}), cite, stepId)] };
      }
      var ground = grounds[groundId];
      var groundWords = { ground: ground.phrase };
      var reasons = [];
      var evidence = (answers["good_reason.evidence"] || "").trim() !== "";
      if (!evidence) { reasons.push(reason(fill("reason_no_evidence", groundWords), ground.cite, stepId)); }
      var missing = [];
      if (ground.requires_support_considered) {
        var considered = answers["good_reason.support_considered"] || [];
        missing = data.support_measures.filter(function (s) { return considered.indexOf(s.id) < 0; });
        if (missing.length) {
          reasons.push(reason(fill("reason_missing_support", groundWords), ground.cite, stepId));
          missing.forEach(function (s) { reasons.push(reason(fill("support_missing", { support: s.phrase }), s.cite, stepId)); });
        }
      }
      if (evidence && !missing.length) {
        var met = ground.requires_support_considered ? "reason_met_support" : "reason_met";
        return { applies: true, reasons: [reason(fill(met, groundWords), ground.cite, stepId)] };
      }
      return { applies: false, reasons: reasons };
    }
    throw new Error("unknown exemption rule kind " + rule.kind);
  }

  function evaluate(step) {
    var asks = step.asks;
    var hit = false;
    var reasons = [];
    var decided = {};
    if (asks.triggers.length) {
      if (asks.triggers.indexOf(answers.event) >= 0) {
        hit = true;
        reasons.push(reason(fill("trigger_met", { event: triggers[answers.event].phrase }), triggers[answers.event].cite, step.id));
      } else {
        var events = joinWords(asks.triggers.map(function (t) { return triggers[t].phrase; }), "or");
        reasons.push(reason(fill("trigger_none", { events: events }), step.cite, step.id));
      }
    }
    if (asks.criteria.length) {
      var met = asks.criteria.filter(function (c) { return answers["criteria." + c] === true; });
      if (met.length) { hit = true; }
      (met.length ? met : asks.criteria).forEach(function (c) {
        var template = met.length ? "criterion_met" : "criterion_not_met";
        reasons.push(reason(fill(template, { criterion: criteria[c].phrase }), criteria[c].cite, step.id));
      });
    }
    asks.exemptions.forEach(function (id) {
      var result = exemptionResult(id, step.id);
      decided[id] = result.applies;
      hit = hit || result.applies;
      reasons = reasons.concat(result.reasons);
    });
    return { hit: hit, reasons: reasons, decided: decided, branch: hit ? step.if_any : step.if_none };
  }

  /* ---- The questions each step needs ------------------------------------- */

  function fieldsFor(step) {
    var fields = [];
    function add(name) { if (fields.indexOf(name) < 0) { fields.push(name); } }
    step.asks.triggers.forEach(function () { add("event"); });
    step.asks.criteria.forEach(function (c) { add("criteria." + c); });
    step.asks.exemptions.forEach(function (id) {
      var kind = exemptions[id].rule.kind;
      if (kind === "not_relevant_contract") { add("relevant_contract"); }
      if (kind === "below_threshold") { add("authority_type"); add("value_gbp"); add("event_date"); }
      if (kind === "between_parties") { add("authority_type"); add("provider_type"); }
      if (kind === "good_reason") { add("good_reason.ground"); add("good_reason.evidence"); add("good_reason.support_considered"); }
    });
    /* A fact asked at an earlier step is not asked again. */
    return fields.filter(function (name) { return askedAt[name] === undefined || askedAt[name] === step.id; });
  }

  /* A step that needs one yes-or-no fact asks it in the step's own words. */
  function asksInOwnWords(fields) {
    return fields.length === 1 && (fields[0] === "event" || fields[0] === "relevant_contract");
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

  /* A question in its GOV.UK form group (which shows the error state). */
  function group(field) { return el("div", { class: "govuk-form-group" }, [field]); }

  function fieldId(name) { return "field-" + name.replace(/[^a-z0-9]+/gi, "-"); }

  function radios(name, legend, options, hint, cite) {
    var id = fieldId(name);
    var children = [el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m", id: id + "-legend" }, [legend])];
    if (hint) { children.push(el("div", { class: "govuk-hint hint", id: id + "-hint" }, [hint])); }
    if (cite && cite.label) { children.push(el("p", { class: "govuk-body cite" }, ["See ", guidanceLink(cite), " of the guidance."])); }
    children.push(el("p", { class: "govuk-error-message field-error", id: id + "-error", hidden: true }));
    var list = el("div", { class: "govuk-radios options" });
    options.forEach(function (option, index) {
      var inputId = id + "-" + index;
      var input = el("input", { class: "govuk-radios__input", type: "radio", name: name, id: inputId, value: option.value });
      if (answers[name] !== undefined && String(answers[name]) === String(option.value)) { input.checked = true; }
      list.appendChild(el("div", { class: "govuk-radios__item option" }, [input, el("label", { class: "govuk-label govuk-radios__label", for: inputId }, [option.label])]));
    });
    children.push(list);
    return group(el("fieldset", { class: "govuk-fieldset field", id: id, "data-field": name, "aria-describedby": hint ? id + "-hint" : null }, children));
  }

  function yesNo(name, legend, cite, yesValue, noValue) {
    return radios(name, legend, [{ value: yesValue, label: "Yes" }, { value: noValue, label: "No" }], null, cite);
  }

  function buildField(name, step, single) {
    if (name === "event") {
      var options = data.triggers.map(function (t) { return { value: t.id, label: t.name }; });
      options.push({ value: data.no_event, label: "Neither: the contract is still running" });
      return radios(name, single ? step.question : "What has happened to the contract?", options);
    }
    if (name.indexOf("criteria.") === 0) {
      var criterion = criteria[name.slice(9)];
      return yesNo(name, criterion.question, criterion.cite, "true", "false");
    }
    if (name === "relevant_contract") {
      var exemption = data.exemptions.filter(function (e) { return e.rule.kind === "not_relevant_contract"; })[0];
      return yesNo(name, single ? step.question : exemption.statement + " Is that so?", exemption.cite, "false", "true");
    }
    if (name === "authority_type") {
      return radios(name, "What type of authority let the contract?", data.authority_types.map(function (a) { return { value: a.id, label: a.name }; }));
    }
    if (name === "provider_type") {
      return radios(name, "Who delivers the service under the contract?", data.provider_types.map(function (p) { return { value: p.id, label: p.name }; }));
    }
    if (name === "value_gbp") {
      var valueId = fieldId(name);
      var valueInput = el("input", { type: "text", id: valueId + "-input", name: name, inputmode: "numeric", autocomplete: "off", spellcheck: "false", "aria-describedby": valueId + "-hint", class: "govuk-input govuk-input--width-10 input-value" });
      if (answers.value_gbp !== undefined) { valueInput.value = answers.value_gbp; }
      return el("div", { class: "govuk-form-group field", id: valueId, "data-field": name }, [
        el("label", { class: "govuk-label govuk-label--m", for: valueId + "-input", id: valueId + "-legend" }, ["Contract value, in pounds"]),
        el("div", { class: "govuk-hint hint", id: valueId + "-hint" }, ["The estimated whole-life value, including VAT and all extension options. Whole pounds, for example 240000."]),
        el("p", { class: "govuk-error-message field-error", id: valueId + "-error", hidden: true }),
        valueInput
      ]);
    }
    if (name === "event_date") {
      var dateId = fieldId(name);
      var parts = answers.event_date ? answers.event_date.split("-") : ["", "", ""];
      var boxes = [["day", "Day", String(Number(parts[2]) || ""), 2], ["month", "Month", String(Number(parts[1]) || ""), 2], ["year", "Year", parts[0], 4]].map(function (part) {
        var inputId = dateId + "-" + part[0];
        var input = el("input", { type: "text", id: inputId, name: name + "." + part[0], inputmode: "numeric", autocomplete: "off", class: "govuk-input govuk-date-input__input govuk-input--width-" + part[3] + " input-date-" + part[0], maxlength: part[3] });
        input.value = part[2];
        return el("div", { class: "govuk-date-input__item date-part" }, [el("div", { class: "govuk-form-group" }, [el("label", { class: "govuk-label govuk-date-input__label", for: inputId }, [part[1]]), input])]);
      });
      return group(el("fieldset", { class: "govuk-fieldset field", id: dateId, "data-field": name, "aria-describedby": dateId + "-hint" }, [
        el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m", id: dateId + "-legend" }, ["When does or did the contract expire or end?"]),
        el("div", { class: "govuk-hint hint", id: dateId + "-hint" }, ["The date sets the threshold in force. For example, 30 9 2026."]),
        el("p", { class: "govuk-error-message field-error", id: dateId + "-error", hidden: true }),
        el("div", { class: "govuk-date-input date-parts" }, boxes)
      ]));
    }
    if (name === "good_reason.ground") {
      var groundOptions = data.grounds.map(function (g) { return { value: g.id, label: g.name }; });
      groundOptions.push({ value: "none", label: "No: the authority does not rely on a good reason" });
      var reasonExemption = data.exemptions.filter(function (e) { return e.rule.kind === "good_reason"; })[0];
      return radios(name, "On which ground does the authority rely?", groundOptions, null, reasonExemption.cite);
    }
    if (name === "good_reason.evidence") {
      var evidenceId = fieldId(name);
      var area = el("textarea", { class: "govuk-textarea", id: evidenceId + "-input", name: name, rows: "4", "aria-describedby": evidenceId + "-hint" });
      area.value = answers[name] || "";
      return el("div", { class: "govuk-form-group field", id: evidenceId, "data-field": name }, [
        el("label", { class: "govuk-label govuk-label--m", for: evidenceId + "-input", id: evidenceId + "-legend" }, ["What is the evidence for the ground?"]),
        el("div", { class: "govuk-hint hint", id: evidenceId + "-hint" }, ["A good reason counts only with evidence. Leave this empty if there is none."]),
        area
      ]);
    }
    if (name === "good_reason.support_considered") {
      var supportId = fieldId(name);
      var chosen = answers[name] || [];
      var boxesList = data.support_measures.map(function (s, index) {
        var inputId = supportId + "-" + index;
        var box = el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: inputId, name: name, value: s.id });
        box.checked = chosen.indexOf(s.id) >= 0;
        return el("div", { class: "govuk-checkboxes__item option" }, [box, el("label", { class: "govuk-label govuk-checkboxes__label", for: inputId }, [s.name])]);
      });
      var needing = data.grounds.filter(function (g) { return g.requires_support_considered; }).map(function (g) { return "\u201c" + g.name + "\u201d"; });
      var hint = "Select all that apply." + (needing.length ? " The ground " + joinWords(needing, "or") + " counts only when every support measure was considered." : "");
      return group(el("fieldset", { class: "govuk-fieldset field", id: supportId, "data-field": name, "aria-describedby": supportId + "-hint" }, [
        el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m", id: supportId + "-legend" }, ["Which support measures has the authority considered?"]),
        el("div", { class: "govuk-hint hint", id: supportId + "-hint" }, [hint]),
        el("div", { class: "govuk-checkboxes options" }, boxesList)
      ]));
    }
    throw new Error("no question for " + name);
  }

  /* ---- Reading and checking answers --------------------------------------- */

  function checkedValue(form, name) {
    var inputs = form.querySelectorAll("input[type=radio]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].name === name && inputs[i].checked) { return inputs[i].value; }
    }
    return null;
  }

  function read(form, name) {
    /* Returns {value} or {error}. */
    if (name === "value_gbp") {
      var raw = form.querySelector("#" + fieldId(name) + "-input").value.replace(/[\u00a3,\s]/g, "");
      if (!/^[0-9]+$/.test(raw)) { return { error: "Enter the contract value as a whole number of pounds, for example 240000" }; }
      return { value: BigInt(raw).toString() };
    }
    if (name === "event_date") {
      var base = "#" + fieldId(name) + "-";
      var day = form.querySelector(base + "day").value.trim();
      var month = form.querySelector(base + "month").value.trim();
      var year = form.querySelector(base + "year").value.trim();
      if (!/^[0-9]{1,2}$/.test(day) || !/^[0-9]{1,2}$/.test(month) || !/^[0-9]{4}$/.test(year)) {
        return { error: "Enter the date as a day, month and 4-digit year, for example 30 9 2026" };
      }
      var d = Number(day);
      var m = Number(month);
      var y = Number(year);
      var check = new Date(Date.UTC(y, m - 1, d));
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
        return { error: "Enter a real date" };
      }
      var iso = year + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
      var type = answers.authority_type;
      if (type && authorities[type] && !thresholdFor(type, iso)) {
        return { error: "No threshold is in force on that date for " + authorities[type].phrase + "; the guidance's thresholds start on " + longDate(authorities[type].values[0].from) };
      }
      return { value: iso };
    }
    if (name === "good_reason.evidence") {
      return { value: form.querySelector("#" + fieldId(name) + "-input").value };
    }
    if (name === "good_reason.support_considered") {
      var values = [];
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) { if (box.name === name && box.checked) { values.push(box.value); } });
      return { value: values };
    }
    var value = checkedValue(form, name);
    if (value === null) { return { error: "Select an answer" }; }
    if (name.indexOf("criteria.") === 0 || name === "relevant_contract") { return { value: value === "true" }; }
    return { value: value };
  }

  function readStep(form, step, fields) {
    var problems = [];
    var read_ = {};
    /* The authority type is read first: the date's check needs it. */
    var order = fields.slice().sort(function (a, b) { return (a === "authority_type" ? -1 : 0) - (b === "authority_type" ? -1 : 0); });
    order.forEach(function (name) {
      var result = read(form, name);
      var box = form.querySelector("#" + fieldId(name) + "-error");
      if (result.error) {
        problems.push({ name: name, message: result.error });
        if (box) { box.hidden = false; box.textContent = "Error: " + result.error; box.closest(".govuk-form-group").classList.add("govuk-form-group--error"); }
      } else {
        read_[name] = result.value;
        if (name === "authority_type") { answers.authority_type = result.value; }
        if (box) { box.hidden = true; box.textContent = ""; box.closest(".govuk-form-group").classList.remove("govuk-form-group--error"); }
      }
    });
    return { problems: problems, values: read_ };
  }

  function firstInput(name) {
    var field = document.getElementById(fieldId(name));
    return field ? field.querySelector("input, textarea") : null;
  }

  function showProblems(form, problems) {
    var summary = form.querySelector(".error-summary");
    summary.textContent = "";
    summary.appendChild(el("h3", { class: "govuk-error-summary__title" }, ["There is a problem"]));
    var list = el("ul", { class: "govuk-list govuk-error-summary__list" });
    problems.forEach(function (problem) {
      var target = firstInput(problem.name);
      var legend = document.getElementById(fieldId(problem.name) + "-legend");
      var link = el("a", { href: "#" + (target ? target.id : fieldId(problem.name)) }, [problem.message + (legend ? " (" + legend.textContent + ")" : "")]);
      link.addEventListener("click", function (event) {
        if (target) { event.preventDefault(); target.focus(); }
      });
      list.appendChild(el("li", {}, [link]));
    });
    summary.appendChild(el("div", { class: "govuk-error-summary__body" }, [list]));
    summary.hidden = false;
    summary.focus();
  }

  /* ---- Screens -------------------------------------------------------------- */

  function clear() { root.textContent = ""; }

  function focusHeading() {
    if (quiet) { quiet = false; return; }
    var heading = root.querySelector("h2");
    if (heading) { heading.focus(); }
  }

  function showStep(stepId) {
    var step = steps[stepId];
    var fields = fieldsFor(step);
    clear();
    var form = el("form", { class: "step", "data-step": step.id, novalidate: true, "aria-labelledby": "step-heading" });
    form.appendChild(el("h2", { class: "govuk-heading-l", id: "step-heading", tabindex: "-1" }, [
      el("span", { class: "govuk-caption-l step-number" }, ["Step " + step.number + " of " + stepCount]),
      " " + step.title
    ]));
    var single = asksInOwnWords(fields);
    if (!single) { form.appendChild(el("p", { class: "govuk-body-l question" }, [step.question])); }
    form.appendChild(el("div", { class: "govuk-error-summary error-summary", role: "alert", tabindex: "-1", hidden: true }));
    fields.forEach(function (name) { form.appendChild(buildField(name, step, single)); });
    if (step.cite.label) { form.appendChild(el("p", { class: "govuk-body cite" }, ["This is ", guidanceLink(step.cite), " of the decision procedure in the guidance."])); }
    var buttons = el("div", { class: "govuk-button-group buttons" }, [el("button", { type: "submit", class: "govuk-button button" }, ["Continue"])]);
    if (trail.length) {
      var back = el("button", { type: "button", class: "govuk-button govuk-button--secondary button secondary" }, ["Back"]);
      back.addEventListener("click", goBack);
      buttons.appendChild(back);
    }
    form.appendChild(buttons);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = readStep(form, step, fields);
      if (result.problems.length) { showProblems(form, result.problems); return; }
      fields.forEach(function (name) {
        answers[name] = result.values[name];
        askedAt[name] = step.id;
      });
      var outcome = evaluate(step);
      trail.push({ step: step.id, reasons: outcome.reasons, decided: outcome.decided });
      if (outcome.branch.outcome) { showOutcome(outcome.branch.outcome); } else { showStep(outcome.branch.next); }
    });
    root.appendChild(form);
    focusHeading();
  }

  function goBack() {
    var last = trail.pop();
    if (!last) { return; }
    Object.keys(askedAt).forEach(function (name) { if (askedAt[name] === last.step) { delete askedAt[name]; } });
    showStep(last.step);
  }

  function showOutcome(outcomeId) {
    var outcome = outcomes[outcomeId];
    var last = trail[trail.length - 1];
    var decidedBy = outcomeId === "exempt" ? Object.keys(last.decided).filter(function (id) { return last.decided[id]; }) : [];
    clear();
    var section = el("section", { class: "outcome outcome-" + outcomeId, "data-outcome": outcomeId, "data-decided-by": decidedBy.join(" "), "aria-labelledby": "outcome-heading" });
    section.appendChild(el("h2", { class: "govuk-heading-l", id: "outcome-heading", tabindex: "-1" }, [el("span", { class: "govuk-caption-l step-number" }, ["Outcome"]), " " + outcome.name]));
    section.appendChild(el("p", { class: "govuk-body-l outcome-description" }, outcome.cite.label ? [outcome.description, " (", guidanceLink(outcome.cite), ")"] : [outcome.description]));
    decidedBy.forEach(function (id) {
      section.appendChild(el("p", { class: "govuk-body decided-by" }, ["Exemption: ", guidanceLink(exemptions[id].cite, exemptions[id].name), "."]));
    });
    section.appendChild(el("h3", { class: "govuk-heading-m" }, ["Why"]));
    var list = el("ol", { class: "govuk-list govuk-list--number reasons" });
    var reasons = [];
    trail.forEach(function (entry) { reasons = reasons.concat(entry.reasons); });
    reasons.push(reason(outcome.reason, outcome.cite, null));
    reasons.forEach(function (r) {
      /* As the engine cites it: the sentence, then its paragraph before the full stop. */
      var item = el("li", { class: "reason", "data-cites": r.key, "data-step": r.step || "" });
      if (r.label) {
        var body = r.text.charAt(r.text.length - 1) === "." ? r.text.slice(0, -1) : r.text;
        item.appendChild(document.createTextNode(body + " ("));
        item.appendChild(guidanceLink(r));
        item.appendChild(document.createTextNode(")."));
      } else {
        item.appendChild(document.createTextNode(r.text));
      }
      list.appendChild(item);
    });
    section.appendChild(list);
    section.appendChild(el("p", { class: "govuk-body-s note" }, ["Record the assessment, the answers and the evidence, as the guidance sets out. This checker covers the questions the procedure asked; run guidance-builder assess to see every exemption that applies."]));
    var back = el("button", { type: "button", class: "govuk-button govuk-button--secondary button secondary" }, ["Back"]);
    back.addEventListener("click", goBack);
    var again = el("button", { type: "button", class: "govuk-button govuk-button--secondary button secondary" }, ["Start again"]);
    again.addEventListener("click", start);
    section.appendChild(el("div", { class: "govuk-button-group buttons" }, [back, again]));
    root.appendChild(section);
    focusHeading();
  }

  function start() {
    answers = {};
    askedAt = {};
    trail = [];
    showStep(data.start);
  }

  quiet = true;
  start();
  root.setAttribute("data-ready", "true");
})();
