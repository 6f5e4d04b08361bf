// Forms of the duty and inbox pages: each <form data-api="/url/"> is sent with UI.send and the page reloads on
// success; refusals are shown next to their fields (UI.showErrors). Field names with dots ("corrections.0.due_on")
// build nested objects and lists; data-type="ids" turns "3, 5" into [3, 5]; checkboxes give true/false; a form
// with enctype="multipart/form-data" is sent as FormData (files).
(function () {
  "use strict";

  function put(target, path, value) {
    var parts = path.split(".");
    var node = target;
    parts.forEach(function (part, n) {
      var last = n === parts.length - 1;
      var key = /^\d+$/.test(part) ? Number(part) : part;
      if (last) { node[key] = value; return; }
      if (node[key] === undefined) { node[key] = /^\d+$/.test(parts[n + 1]) ? [] : {}; }
      node = node[key];
    });
  }

  function payloadOf(form) {
    if (form.enctype === "multipart/form-data") { return new FormData(form); }
    var body = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.type === "submit" || input.name === "csrfmiddlewaretoken") { return; }
      var value = input.value;
      if (input.type === "checkbox") { value = input.checked; }
      else if (input.dataset.type === "ids") {
        value = value.split(",").map(function (v) { return v.trim(); }).filter(Boolean).map(Number);
      } else if (input.dataset.optional === "1" && value === "") { return; }
      put(body, input.name, value);
    });
    if (body.corrections) { body.corrections = body.corrections.filter(function (c) { return c && (c.description || c.due_on); }); }
    return body;
  }

  document.querySelectorAll("form[data-api]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      UI.clearErrors(form);
      var answer = await UI.send("POST", form.dataset.api, payloadOf(form));
      if (answer.ok) { window.location.reload(); return; }
      UI.showErrors(form, answer.data, answer.status);
    });
  });
})();
