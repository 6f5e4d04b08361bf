// Forms that call the district API: <form class="api-form" data-method="POST" data-url="investment-plans/"> (the URL is
// relative to data-api of an enclosing element). The fields go as JSON through UI.send; a refusal is shown next to its
// fields (UI.showErrors), what was typed stays. Before sending, data-confirm asks a yes/no question and data-ask a
// required text (sent as data-ask-field, "note" by default) in a dialog (UI.ask; never window.prompt/confirm). After a
// success, data-flash is said on the next page and the page reloads (or goes to data-go, where {id} is the answer's id).
(function () {
  "use strict";

  function value(input) {
    var text = input.value.trim();
    if (input.dataset.type === "int") {
      if (text === "") { return null; }
      var number = Number(text);
      return Number.isInteger(number) ? number : text;  // the API names what is wrong with it
    }
    if (input.hasAttribute("data-null-empty") && text === "") { return null; }
    return input.type === "checkbox" ? input.checked : text;
  }

  function body(form) {
    var data = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.hasAttribute("data-skip-empty") && input.value.trim() === "") { return; }
      if (input.multiple) { data[input.name] = Array.from(input.selectedOptions).map(function (o) { return o.value; }); return; }
      data[input.name] = value(input);
    });
    return data;
  }

  async function submit(form) {
    UI.clearErrors(form);
    if (form.dataset.confirm && !(await UI.ask({ title: form.dataset.confirm }))) { return; }
    var payload = body(form);
    if (form.dataset.ask) {
      var typed = await UI.ask({ title: form.dataset.askTitle || "", input: form.dataset.ask });
      if (!typed) { return; }
      payload[form.dataset.askField || "note"] = typed;
    }
    var base = form.closest("[data-api]").dataset.api;
    var result = await UI.send(form.dataset.method || "POST", base + form.dataset.url, payload);
    if (!result.ok) { UI.showErrors(form, result.data, result.status); return; }
    if (form.dataset.flash) { UI.flash(form.dataset.flash, { next: true }); }
    var go = form.dataset.go;
    if (go) { window.location.assign(go.replace("{id}", result.data && result.data.id)); } else { window.location.reload(); }
  }

  document.querySelectorAll("form.api-form").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (button.disabled) { return; }  // a double click sends once
      button.disabled = true;
      try { await submit(form); } finally { button.disabled = false; }
    });
  });
})();
