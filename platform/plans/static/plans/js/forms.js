// Forms of the plan cycle (cycle page, dashboard): each form.api-form is sent as JSON to the existing API.
(function () {
  "use strict";
  // --- forms of the cycle ---------------------------------------------------------------------------
  // Every form.api-form posts JSON to its data-api; a 400 shows next to its fields (what was typed stays),
  // a success reloads the form's part of the page (data-part) or, with data-reload="page", the whole page.
  var send = UI.send;
  function showErrors(form, errors, status) { UI.showErrors(form, errors, status); }
  // Numbers go as typed, and the API reads them by the platform's rule (geo.numbers). Only a field in millions
  // (data-scale) is converted here, by the same rule (frontend/js/numbers.js); text it cannot read goes as typed,
  // so the API's refusal quotes what was typed.
  function number(input) {
    var text = input.value.trim();
    if (input.dataset.scale && text !== "") {
      var read = window.VnNumber.read(text);
      if (!read.error) { return Math.round(read.value * Number(input.dataset.scale)); }
    }
    return text;
  }
  function value(input) {
    if (input.type === "checkbox") { return input.checked; }
    if (input.getAttribute("inputmode") === "numeric" || input.getAttribute("inputmode") === "decimal") { return number(input); }
    return input.value;
  }
  function fields(container) {
    var out = {};
    container.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.closest("tr.member, tr.envelope") || input.dataset.list) { return; }  // rows and lists are gathered by body()
      var v = value(input);
      if (v === "" && input.type !== "checkbox") { return; }
      var parts = input.name.split(".");
      if (parts.length === 2) { out[parts[0]] = out[parts[0]] || {}; out[parts[0]][parts[1]] = v; } else { out[input.name] = v; }
    });
    return out;
  }
  var itemGeometry = null;
  function body(form) {
    if (form.dataset.kind === "multipart") {
      var upload = new FormData();
      form.querySelectorAll("input[name]").forEach(function (input) {
        if (input.type === "file") { if (input.files.length) { upload.append(input.name, input.files[0]); } }
        else if (input.value !== "") { upload.append(input.name, input.value); }
      });
      return upload;
    }
    var data = fields(form);
    if (form.dataset.kind === "team") {
      data.members = [];
      form.querySelectorAll("tr.member").forEach(function (row) {
        var m = {};
        row.querySelectorAll("input").forEach(function (input) { m[input.name] = value(input); });
        if (m.full_name || m.position || m.represents) { data.members.push(m); }  // empty rows are not members
      });
      if (!data.decision_date) { data.decision_date = null; }
    }
    if (form.dataset.kind === "orientation") {
      data.envelopes = [];
      form.querySelectorAll("tr.envelope").forEach(function (row) {
        var e = {};
        row.querySelectorAll("input, select").forEach(function (input) { e[input.name] = value(input); });
        if (e.commune) { data.envelopes.push(e); }  // rows without a commune are not envelopes
      });
      // The provincial departments' publications the district passes on (Đ5.2, Đ15.2): the ids ticked.
      data.department_publications = [];
      form.querySelectorAll("input[data-list=department_publications]:checked").forEach(function (input) {
        data.department_publications.push(Number(input.value));
      });
    }
    if (form.dataset.kind === "feature") {
      return { type: "Feature", geometry: itemGeometry, properties: data };
    }
    if (data.item) { data.item = Number(data.item); }
    return data;
  }
  async function reloadPart(form) {
    var part = form.closest("[data-part]");
    if (!part || form.dataset.reload === "page") { window.location.reload(); return; }
    var html = await (await UI.get(window.location.href)).text();
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-part='" + part.dataset.part + "']");
    if (fresh) { part.replaceWith(document.importNode(fresh, true)); window.VnNumber.attachAll(); } else { window.location.reload(); }
  }
  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!form.classList.contains("api-form")) { return; }
    event.preventDefault();
    UI.clearErrors(form);
    var button = form.querySelector("button[type=submit]");
    if (button.disabled) { return; }  // Enter pressed again while saving
    button.disabled = true;
    var result = await send(form.dataset.method || "POST", form.dataset.api, body(form));
    button.disabled = false;
    if (result.ok && form.dataset.redirect) { window.location.href = form.dataset.redirect.replace("{id}", result.data.id); return; }
    if (result.ok) { form.dataset.saved = "1"; await reloadPart(form); return; }
    showErrors(form, result.data, result.status);
    form.dataset.failed = String(Number(form.dataset.failed || 0) + 1);
  });
  document.addEventListener("click", async function (event) {
    var button = event.target.closest("button.api-delete");
    if (!button) { return; }
    button.disabled = true;
    var result = await send("DELETE", button.dataset.api);
    if (result.ok) { window.location.reload(); return; }
    button.disabled = false;
    var slot = button.closest("[data-part]").querySelector("[data-error-for=detail]") || document.querySelector("[data-testid=step-error]");
    slot.textContent = Object.values(result.data || {}).flat().join(" ") || String(result.status);
    slot.hidden = false;
  });

  // Version comparison: the compare API's differences as a table.
  var compare = document.getElementById("compare-form");
  if (compare) {
    var labels = JSON.parse(document.getElementById("compare-labels").textContent);
    compare.addEventListener("submit", async function (event) {
      event.preventDefault();
      var slot = compare.querySelector("[data-error-for=detail]");
      slot.textContent = "";
      var result = await send("GET", compare.dataset.api + compare.elements.a.value + "/compare/" + compare.elements.b.value + "/");
      var table = compare.parentNode.querySelector("table.differences");
      var tbody = table.querySelector("tbody");
      tbody.textContent = "";
      if (!result.ok) { slot.textContent = Object.values(result.data || {}).flat().join(" ") || String(result.status); table.hidden = true; return; }
      function cell(row, text) { var td = document.createElement("td"); td.textContent = text == null ? "—" : (typeof text === "object" ? JSON.stringify(text) : String(text)); row.appendChild(td); }
      ["items", "targets"].forEach(function (kind) {
        result.data[kind].forEach(function (r) {
          if (r.change === "same") { return; }
          var names = Object.keys(r.differences);
          (names.length ? names : [""]).forEach(function (field) {
            var row = document.createElement("tr");
            row.dataset.change = r.change;
            cell(row, r.label); cell(row, labels[r.change] || r.change); cell(row, field ? (labels.fields[field] || field) : "—");
            cell(row, field ? r.differences[field][0] : null); cell(row, field ? r.differences[field][1] : null);
            tbody.appendChild(row);
          });
        });
      });
      if (!tbody.children.length) { var row = document.createElement("tr"); cell(row, labels.same); tbody.appendChild(row); }
      table.hidden = false;
      compare.dataset.done = String(Number(compare.dataset.done || 0) + 1);
    });
  }

  // The item form's map: the commune's outline and one drawn place (Leaflet.draw, as on the proposals page).
  var itemMap = document.getElementById("item-map");
  if (itemMap) {
    (async function () {
      var map = PlanMaps.createMap("item-map");
      window.planItemMap = map;  // for the browser tests, as on the proposals page
      PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }, { what: "drawn", colour: "#3388ff", shape: "box" }]);
      var drawn = new L.FeatureGroup().addTo(map);
      map.addControl(new L.Control.Draw({
        edit: { featureGroup: drawn, remove: true },
        draw: { circle: false, rectangle: false, circlemarker: false, marker: true, polyline: true, polygon: { allowIntersection: false } },
      }));
      function place(layer) { drawn.clearLayers(); drawn.addLayer(layer); itemGeometry = layer.toGeoJSON().geometry; itemMap.dataset.hasGeometry = "1"; }
      map.on(L.Draw.Event.CREATED, function (e) { place(e.layer); });
      map.on(L.Draw.Event.EDITED, function () { drawn.eachLayer(function (l) { itemGeometry = l.toGeoJSON().geometry; }); });
      map.on(L.Draw.Event.DELETED, function () { itemGeometry = null; delete itemMap.dataset.hasGeometry; });
      var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + itemMap.dataset.district);
      var outline = (communes.features || []).filter(function (f) { return f.properties.code === itemMap.dataset.commune; });
      if (outline.length) {
        PlanMaps.fit(map, PlanMaps.unitLayer({ type: "FeatureCollection", features: outline }, { className: "commune-shape", color: "#8f1d21", weight: 1.5, fillOpacity: 0.05 }, null, map).addTo(map).getBounds());
      }
      itemMap.dataset.ready = "1";
    })();
  }

})();
