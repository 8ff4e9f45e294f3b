/* The contract checker's outcome screen: the outcome, the exemption that decided it, the
   reasons with the paragraphs of the guidance behind them, and the answers given, each with
   a link back to the screen that asked it. It knows fact types, never a fact, step or
   outcome. The page runs it after checker-form.js (whose globals it uses) and before
   checker.js, which shows what it makes. */
(function (global) {
  "use strict";

  var el = global.checkerEl;
  var guidanceLink = global.checkerGuidanceLink;
  var hidden = global.checkerHidden;
  var fieldId = global.checkerFieldId;

  function byKey(list, key) {
    var map = {};
    list.forEach(function (entry) { map[entry[key]] = entry; });
    return map;
  }

  function answerWords(program, fact, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return "Not given"; }
    switch (fact.type) {
      case "yes_no": return value ? "Yes" : "No";
      case "choice": return (fact.choices.filter(function (c) { return c.id === value; })[0] || { name: value }).name;
      case "choices": return fact.choices.filter(function (c) { return value.indexOf(c.id) >= 0; }).map(function (c) { return c.name; }).join("; ");
      case "text": return value;
    }
    return rulesFactWords(program, fact, rulesFactValue(fact, value));
  }

  /* The answers shown on the screens answered (`trail`, in order), each screen's in facts order;
     `given` maps a fact id to {step, value, shown}. A Change link calls changeFrom(its step). */
  function answersList(program, facts, trail, given, changeFrom) {
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
          el("dd", { class: "govuk-summary-list__value" }, [answerWords(program, fact, given[id].value)]),
          el("dd", { class: "govuk-summary-list__actions" }, [change])
        ]));
      });
    });
    return el("dl", { class: "govuk-summary-list answers" }, rows);
  }

  /* The outcome screen for an assessment (rulesWalk with {partial: true}), with the list of
     the answers (answersList) and the screen's buttons. */
  function outcomeSection(program, assessment, answers, actions) {
    var outcome = byKey(program.outcomes, "id")[assessment.outcome];
    var items = byKey(program.items, "key");
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
    section.appendChild(answers);
    section.appendChild(el("p", { class: "govuk-body note" }, ["Record the assessment, the answers and the evidence, as the guidance sets out."]));
    section.appendChild(actions);
    return section;
  }

  global.checkerAnswers = answersList;
  global.checkerOutcome = outcomeSection;
})(this);
