// Forms of the M&E dashboards. Each <form class="me-form"> names its API call (data-method, data-url relative
// to the monitoring API); this module sends JSON (or multipart with data-multipart) through UI.send (ui.js), shows each 400 message next to its field (what was typed stays), and reloads on success.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("me-config").textContent);

  function value(input) {
    if (input.dataset.number) {
      if (input.value.trim() === "") { return null; }
      // As typed: the API reads "300.000.000" and "86,5" by the platform's rule (geo.numbers) and says why when it
      // cannot; Number() here would read "300.000" as 300.
      return input.value.trim();
    }
    if (input.dataset.type === "int") {  // ids of rows (hidden inputs)
      if (input.value === "") { return null; }
      var number = Number(input.value);
      return Number.isNaN(number) ? input.value : number;
    }
    if (input.hasAttribute("data-null-empty") && input.value === "") { return null; }
    return input.value;
  }

  // Plain fields at the top level; fields inside [data-row] become one object per row of the named list.
  // A row with every field empty is not sent; the rows sent are remembered so that the API's per-row
  // errors (keyed by the index of the row sent) can be shown next to the right field of the right row.
  function jsonBody(form) {
    var body = {};
    form.sentRows = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.closest("[data-row]") || input.hasAttribute("data-outside")) { return; }
      body[input.name] = value(input);
    });
    form.querySelectorAll("[data-row]").forEach(function (row) {
      var item = {};
      var filled = false;
      row.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
        if (input.value !== "") { filled = true; }
        item[input.name] = value(input);
      });
      if (!filled && row.dataset.clearable === "1") {
        // A line that was saved and is now emptied: ask the API to remove it rather than leave the old one.
        item = { clear: true };
      } else if (!filled) { return; }
      item[row.dataset.key] = parseInt(row.dataset.id, 10);
      (body[row.dataset.row] = body[row.dataset.row] || []).push(item);
      (form.sentRows[row.dataset.row] = form.sentRows[row.dataset.row] || []).push(row);
    });
    return body;
  }

  function multipartBody(form) {
    var data = new FormData();
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.type === "file") {
        if (input.files.length) { data.append(input.name, input.files[0]); }
      } else if (input.value !== "") {
        data.append(input.name, input.value);
      }
    });
    return data;
  }

  function flatten(messages) {
    if (typeof messages === "string") { return [messages]; }
    if (Array.isArray(messages)) { return messages.reduce(function (all, m) { return all.concat(flatten(m)); }, []); }
    if (messages && typeof messages === "object") {
      return Object.keys(messages).reduce(function (all, k) { return all.concat(flatten(messages[k])); }, []);
    }
    return [];
  }

  var clearErrors = UI.clearErrors;

  // Per-row errors of a list the API checked row by row: {"1": {field: [...]}} (by the index of the row sent)
  // or [{}, {field: [...]}]. Each message goes next to its field in the row it concerns.
  function rowErrorsOf(messages) {
    if (Array.isArray(messages)) {
      return messages.some(function (m) { return m && typeof m === "object" && !Array.isArray(m); }) ? messages : null;
    }
    if (messages && typeof messages === "object") {
      var keys = Object.keys(messages);
      if (keys.length && keys.every(function (k) { return /^\d+$/.test(k); })) {
        var list = [];
        keys.forEach(function (k) { list[parseInt(k, 10)] = messages[k]; });
        return list;
      }
    }
    return null;
  }

  function showRowErrors(form, name, rowErrors) {
    var rows = (form.sentRows || {})[name] || [];
    var shown = true;
    rowErrors.forEach(function (errors, i) {
      if (!errors || typeof errors !== "object" || Array.isArray(errors)) { return; }
      Object.keys(errors).forEach(function (field) {
        var row = rows[i];
        var target = row && row.querySelector('[data-error-for="' + field + '"]');
        if (!target) { shown = false; return; }
        target.textContent = (target.textContent ? target.textContent + " " : "") + flatten(errors[field]).join(" ");
        var input = row.querySelector('[name="' + field + '"]');
        if (input) { input.setAttribute("aria-invalid", "true"); }
      });
    });
    return shown;
  }

  function showErrors(form, errors) {
    if (!errors || typeof errors !== "object" || Array.isArray(errors)) { errors = { __all__: flatten(errors) }; }
    Object.keys(errors).forEach(function (key) {
      var perRow = rowErrorsOf(errors[key]);
      if (perRow && showRowErrors(form, key, perRow)) { return; }
      var name = key === "detail" || key === "non_field_errors" ? "__all__" : key;
      var target = form.querySelector('[data-error-for="' + name + '"]') || form.querySelector('[data-error-for="__all__"]');
      target.textContent = (target.textContent ? target.textContent + " " : "") + flatten(errors[key]).join(" ");
      form.querySelectorAll('[name="' + name + '"], [data-row="' + name + '"] input').forEach(function (el) {
        el.setAttribute("aria-invalid", "true");
      });
    });
  }

  // The shared sender (ui.js): JSON or, for a FormData, multipart, with the CSRF header.
  async function send(method, url, body) {
    var result = await UI.send(method, config.api + url, body);
    if (result.data === null && !result.ok) { result.data = { detail: String(result.status) }; }
    return result;
  }

  // A supervision finding and its optional photo go in one multipart request: the API checks the photo
  // before it saves anything, so a refused photo leaves no finding behind (and nothing to duplicate).
  async function sendFinding(form) {
    return send("POST", form.dataset.url, multipartBody(form));
  }

  async function submit(form, button) {
    clearErrors(form);
    var action = button ? button.dataset.action : null;
    var then = button ? button.dataset.then : null;
    var multipart = form.hasAttribute("data-multipart");
    var result;
    if (form.hasAttribute("data-finding")) {
      result = await sendFinding(form);
    } else if (form.dataset.method === "PATCH") {
      result = await send("PATCH", form.dataset.url, jsonBody(form));
      if (result.ok && then) { result = await send("POST", then, {}); }
    } else {
      var url = form.dataset.url + (action || "");
      result = await send("POST", url, multipart ? multipartBody(form) : jsonBody(form));
    }
    if (result.ok) {
      if (form.hasAttribute("data-show-result")) { showImport(form.querySelector("[data-import-result]"), result.data); return; }
      if (form.dataset.redirect) { window.location.assign(form.dataset.redirect.replace("{id}", result.data.id)); return; }
      window.location.reload();
      return;
    }
    showErrors(form, result.data);
  }

  // The bulk progress import answers every row, as every import does (docs/API.md, "Imports"): created (or would be,
  // in a preview), refused with its reason, unchanged (already recorded), or a note skipped.
  function showImport(box, data) {
    var T = config.text || {};
    box.textContent = "";
    var summary = document.createElement("p");
    summary.dataset.preview = data.preview ? "1" : "0";
    // Every count of the answer, in the page's language (monitoring.views: the investment import's words).
    summary.textContent = (data.preview ? T.preview + " · " : "") + [
      [T.rowsCreated, data.created], [T.rowsUpdated, data.updated], [T.rowsUnchanged, data.unchanged],
      [T.rowsSkipped, data.skipped], [T.rowsRefused, data.refused],
    ].map(function (pair) { return pair[0] + ": " + UI.number(pair[1] || 0, 0); }).join(" · ");
    box.appendChild(summary);
    var table = document.createElement("table");
    table.className = "me-table";
    var head = table.createTHead().insertRow();
    [T.row || "Row", T.code || "Code", ""].forEach(function (text) { var th = document.createElement("th"); th.textContent = text; head.appendChild(th); });
    var body = table.createTBody();
    data.rows.forEach(function (row) {
      var tr = body.insertRow();
      var written = row.status === "created" || row.status === "updated";
      tr.className = written ? "state-accepted" : row.status === "refused" ? "state-returned" : "";
      tr.dataset.row = row.row;
      tr.dataset.status = row.status;
      tr.insertCell().textContent = row.row;
      tr.insertCell().textContent = row.label || "";
      tr.insertCell().textContent = T[row.status] + (row.reason ? ": " + row.reason : "");
    });
    box.appendChild(table);
  }

  function setLocation(form, lon, lat) {
    form.querySelector("[data-geometry]").value = JSON.stringify({ type: "Point", coordinates: [lon, lat] });
    var label = form.querySelector("[data-location-label]");
    if (label) { label.textContent = UI.number(lat, 6, 6) + "; " + UI.number(lon, 6, 6); }
  }

  document.querySelectorAll("form.me-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var buttons = form.querySelectorAll("button");
      if (form.dataset.busy === "1") { return; }  // a double click must not send twice
      form.dataset.busy = "1";
      buttons.forEach(function (b) { b.disabled = true; });
      var busy = form.querySelector("[data-busy]");
      if (busy) { busy.hidden = false; }
      submit(form, event.submitter).finally(function () {
        form.dataset.busy = "0";
        if (busy) { busy.hidden = true; }
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
    var locate = form.querySelector("[data-locate]");
    if (locate) {
      locate.addEventListener("click", function () {
        if (!navigator.geolocation) { return; }
        navigator.geolocation.getCurrentPosition(function (position) {
          setLocation(form, position.coords.longitude, position.coords.latitude);
        }, function (error) {
          form.querySelector('[data-error-for="geometry"]').textContent = error.message;
        }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
  });

  // A click on the dashboard's map places the evidence photo (the map is created by the dashboard script).
  var geoForms = document.querySelectorAll("form.me-form [data-geometry]");
  function hookMap() {
    if (!window.meMap) { return setTimeout(hookMap, 200); }
    window.meMap.on("click", function (event) {
      geoForms.forEach(function (input) { setLocation(input.form, event.latlng.lng, event.latlng.lat); });
    });
  }
  if (geoForms.length) { hookMap(); }
})();
