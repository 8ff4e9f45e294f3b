/* The contract checker's form, in GOV.UK Frontend's markup: the field that asks a fact of
   each type, what a field holds read back as an answer (or as a problem to fix), and the
   problems shown. Like the rest of the page it knows fact types, never a fact, step or
   outcome. The page runs it after the rules scripts and before checker-outcome.js and
   checker.js, which use the globals listed at the end of this file. */
(function (global) {
  "use strict";

  var guidance = document.getElementById("checker").getAttribute("data-guidance");

  /* ---- Building the form --------------------------------------------------- */

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

  function radios(fact, chosen, id, options, inline, extra) {
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

  function textInput(fact, draft, id, attributes, prefix) {
    var input = el("input", Object.assign({ type: "text", id: id + "-input", name: fact.id, autocomplete: "off", spellcheck: "false" }, attributes));
    input.value = draft === undefined || draft === null ? "" : String(draft);
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

  /* The field that asks `fact`, filled with `draft`, what the form last held for it (if any). */
  function buildField(fact, draft) {
    var id = fieldId(fact.id);
    switch (fact.type) {
      case "yes_no":
        return radios(fact, draft, id, [{ value: "true", label: "Yes" }, { value: "false", label: "No" }], true);
      case "choice": {
        var options = fact.choices.map(function (c) { return { value: c.id, label: c.name }; });
        if (fact.optional) { options.push({ divider: "or" }, { value: "", label: "None of these" }); }
        return radios(fact, draft, id, options, false);
      }
      case "choices": {
        var chosen = draft || [];
        var boxes = fact.choices.map(function (c, index) {
          var inputId = id + "-" + index;
          var box = el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: inputId, name: fact.id, value: c.id });
          box.checked = chosen.indexOf(c.id) >= 0;
          return el("div", { class: "govuk-checkboxes__item" }, [box, el("label", { class: "govuk-label govuk-checkboxes__label", for: inputId }, [c.name])]);
        });
        return fieldset(fact, id, [el("div", { class: "govuk-checkboxes" }, boxes)]);
      }
      case "money":
        return textInput(fact, draft, id, { inputmode: "numeric", class: "govuk-input govuk-input--width-10" }, "\u00a3");
      case "whole_number":
        return textInput(fact, draft, id, { inputmode: "numeric", class: "govuk-input govuk-input--width-10" });
      case "date": {
        var parts = typeof draft === "string" ? draft.split("-") : ["", "", ""];
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
        area.value = draft || "";
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

  /* ---- Showing problems ----------------------------------------------------- */

  /* Shows `message` as the problem with the field that asks `fact`, or clears it (null). */
  function showError(form, fact, message) {
    var id = fact.id;
    var group = document.getElementById(fieldId(id) + "-group");
    var box = document.getElementById(fieldId(id) + "-error");
    group.classList.toggle("govuk-form-group--error", !!message);
    box.hidden = !message;
    box.textContent = "";
    if (message) { box.appendChild(hidden("Error: ")); box.appendChild(document.createTextNode(message)); }
    var field = document.getElementById(fieldId(id));
    var describedBy = [];
    if (fact.help) { describedBy.push(fieldId(id) + "-hint"); }
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

  /* The problems ({id, message}) listed at the top of the form; `facts` by id, and the page's title. */
  function showProblems(form, problems, facts, pageTitle) {
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

  global.checkerEl = el;
  global.checkerGuidanceLink = guidanceLink;
  global.checkerHidden = hidden;
  global.checkerFieldId = fieldId;
  global.checkerField = buildField;
  global.checkerRead = read;
  global.checkerShowError = showError;
  global.checkerShowProblems = showProblems;
})(this);
