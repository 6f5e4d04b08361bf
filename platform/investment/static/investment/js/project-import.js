// The projects page's Excel import (issue 15, part 1): "Preview" sends the filled template with ?preview=1 and shows
// every row (created, allocation added, already recorded, refused with its cells and reasons); "Import" is enabled
// only after a preview the server could read and disabled again once the file is imported (a double click imports once).
(function () {
  "use strict";
  var form = document.getElementById("project-import-form");
  if (!form) { return; }
  var box = form.closest("[data-testid=project-import]");
  var summary = box.querySelector("[data-part=summary]");
  var report = box.querySelector("[data-part=report]");
  var busy = form.querySelector("[data-part=busy]");
  var fileInput = form.querySelector("input[name=file]");
  var previewButton = form.querySelector("[data-action=preview]");
  var applyButton = form.querySelector("[data-action=apply]");
  var text = form.dataset;

  // Every import answers one shape (docs/API.md, "Imports"); the page's words name an updated row "allocation added"
  // and an unchanged one "already recorded".
  function fill(template, data) {
    var counts = { created: data.created, matched: data.updated, duplicates: data.unchanged, refused: data.refused };
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return UI.number(counts[key] || 0, 0); });
  }
  function show(data) {
    var labels = { created: text.textCreated, updated: text.textMatched, unchanged: text.textDuplicate, refused: text.textRefused };
    var table = UI.el("table", null, { class: "import-report", "data-testid": "project-import-report" });
    var head = table.createTHead().insertRow();
    [text.textRow, text.textStatus, text.textDetail].forEach(function (label) { head.appendChild(UI.el("th", label, { scope: "col" })); });
    var body = table.createTBody();
    data.rows.forEach(function (row) {
      var tr = UI.el("tr", null, { "data-row": row.row, "data-status": row.status, class: "import-" + row.status });
      tr.appendChild(UI.el("td", row.row, { class: "num" }));
      tr.appendChild(UI.el("td", labels[row.status] || row.status));
      tr.appendChild(UI.el("td", row.status === "created" || row.status === "updated" ? row.label : row.reason));
      body.appendChild(tr);
    });
    report.replaceChildren(table);
    summary.textContent = fill(data.preview ? text.textPreviewed : text.textDone, data);
  }
  async function upload(preview) {
    if (form.dataset.busy === "1") { return; }
    UI.clearErrors(form);
    var file = fileInput.files[0];
    if (!file) { UI.showErrors(form, { file: [text.textChoose] }); return; }
    form.dataset.busy = "1";
    previewButton.disabled = applyButton.disabled = true;
    busy.hidden = false;
    var readable = false;
    try {
      var data = new FormData();
      data.append("file", file);
      var result = await UI.send("POST", form.dataset.url + (preview ? "?preview=1" : ""), data);
      if (!result.ok) { report.replaceChildren(); summary.textContent = ""; UI.showErrors(form, result.data, result.status); return; }
      show(result.data);
      readable = preview;
      if (!preview && (result.data.created || result.data.updated)) { UI.flash(summary.textContent, { next: true }); window.location.reload(); }
    } finally {
      busy.hidden = true;
      previewButton.disabled = false;
      applyButton.disabled = !readable;
      form.dataset.busy = "0";
    }
  }
  fileInput.addEventListener("change", function () { applyButton.disabled = true; report.replaceChildren(); summary.textContent = ""; });
  previewButton.addEventListener("click", function () { upload(true); });
  applyButton.addEventListener("click", function () { upload(false); });
})();
