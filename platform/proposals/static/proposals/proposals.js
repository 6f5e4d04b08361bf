// Step-1 map page: pin a proposal (draw or use the phone's position), list and decide the commune's proposals.
(async function () {
  "use strict";
  var root = document.querySelector(".proposals-page");
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var api = "/d/" + root.dataset.district + "/api/";
  var commune = root.dataset.commune;
  var canPlan = root.dataset.canPlan === "1";
  var mapEl = document.getElementById("proposal-map");
  var map = PlanMaps.createMap("proposal-map");
  window.proposalMap = map;

  var send = UI.send;
  var tableError = document.getElementById("table-error");
  function sayTableError(result) {
    var flat = UI.flattenErrors(result.data || { detail: "HTTP " + result.status });
    tableError.textContent = Object.keys(flat).map(function (k) { return flat[k]; }).join(" ");
    tableError.hidden = false;
  }

  // The commune and its villages, drawn from our own data (usable without base tiles).
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + root.dataset.districtCode);
  var own = { type: "FeatureCollection", features: communes.features.filter(function (f) { return f.properties.code === commune; }) };
  var communeLayer = PlanMaps.unitLayer(own, { className: "commune-shape", color: "#8f1d21", weight: 2, fillOpacity: 0.03 }, null, map).addTo(map);
  var villages = await PlanMaps.fetchFeatures("/api/admin-units/?level=village&page_size=5000&parent=" + commune);
  PlanMaps.unitLayer(villages, { className: "village-shape", color: "#5a6b7b", weight: 1, dashArray: "4 3", fillOpacity: 0 }, null, map).addTo(map);
  PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }, { what: "village", colour: "#5a6b7b", dashed: true },
                      { what: "proposal", colour: "#0b5cad", shape: "box" }]);
  PlanMaps.fit(map, communeLayer.getBounds());

  // Proposals: full features at high zoom, server-side clusters when zoomed out.
  var proposalLayer = L.layerGroup().addTo(map);
  var features = [];
  function style() { return { className: "proposal-shape", color: "#0b5cad", weight: 3, fillOpacity: 0.35 }; }
  function drawProposals() {
    proposalLayer.clearLayers();
    if (map.getZoom() >= 12) {
      L.geoJSON({ type: "FeatureCollection", features: features }, {
        style: style,
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, Object.assign(style(), { radius: 7 })); },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(UI.tip(f.properties.title, " · ", labels.statuses[f.properties.status] || ""), { sticky: true });
          layer.on("click", function () { showDetail(f.properties.id); });
        },
      }).addTo(proposalLayer);
    } else {
      var b = map.getBounds();
      UI.get(api + "proposals/clusters/?zoom=" + map.getZoom() + "&commune=" + commune + "&bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(6); }).join(","))
        .then(function (r) { return r.json(); })
        .then(function (fc) {
          fc.features.forEach(function (f) {
            var c = f.geometry.coordinates;
            L.marker([c[1], c[0]], { icon: L.divIcon({ className: "cluster-marker", html: UI.el("span", f.properties.count), iconSize: [36, 36] }) }).addTo(proposalLayer);
          });
        });
    }
  }
  map.on("zoomend", drawProposals);

  // The table, with filters.
  var filters = document.getElementById("proposal-filters");
  async function load() {
    var params = new URLSearchParams(new FormData(filters));
    params.set("commune", commune);
    params.set("page_size", "5000");
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    var fc = await PlanMaps.fetchFeatures(api + "proposals/?" + params.toString());
    features = fc.features;
    renderRows();
    drawProposals();
    mapEl.dataset.proposals = String(features.length);
    mapEl.dataset.ready = "1";
  }
  function cell(text, cls) { var td = document.createElement("td"); td.textContent = text; if (cls) { td.className = cls; } return td; }
  function button(text, onClick) { var b = document.createElement("button"); b.type = "button"; b.textContent = text; b.addEventListener("click", onClick); return b; }
  function renderRows() {
    var tbody = document.getElementById("proposal-rows");
    tbody.replaceChildren();
    features.forEach(function (f) {
      var p = f.properties;
      var tr = document.createElement("tr");
      tr.dataset.id = p.id;
      if (p.is_late) { tr.className = "late"; tr.title = labels.late; }
      if (canPlan) {
        var td = document.createElement("td");
        var box = document.createElement("input"); box.type = "checkbox"; box.className = "pick"; box.value = p.id;
        box.setAttribute("aria-label", labels.pick + ": " + p.title);  // axe: label (the box has no visible text)
        td.appendChild(box); tr.appendChild(td);
      }
      var rankCell = cell(p.commune_rank || "", "rank");
      if (canPlan && p.status !== "merged") {
        var handle = UI.el("span", "⠿", { class: "drag", title: labels.drag, "aria-hidden": "true" });
        rankCell.prepend(handle);
      }
      tr.appendChild(rankCell);
      // The title opens the proposal's detail (a cell, not a button: the row's buttons are the team's decisions).
      var titleCell = cell(p.title + " · " + (labels.sectors[p.sector] || p.sector), "clickable");
      // "late" as a text badge (an emoji showed as an empty box on machines without an emoji font).
      if (p.is_late) { titleCell.appendChild(document.createTextNode(" ")); titleCell.appendChild(UI.el("span", labels.late, { class: "badge-late", "data-testid": "late-badge" })); }
      titleCell.tabIndex = 0;
      titleCell.addEventListener("click", function () { showDetail(p.id); });
      titleCell.addEventListener("keydown", function (e) { if (e.key === "Enter") { showDetail(p.id); } });
      tr.appendChild(titleCell);
      tr.appendChild(cell(p.village_name || p.source_name || ""));
      tr.appendChild(cell(UI.millions(p.estimated_cost), "num"));
      var status = cell(labels.statuses[p.status] || p.status, "status-" + p.status);
      if (p.decision_reason) { status.title = p.decision_reason; status.textContent += " (" + p.decision_reason + ")"; }
      tr.appendChild(status);
      if (canPlan) {
        var actions = document.createElement("td");
        if (p.status !== "merged") {
          actions.appendChild(button(labels.accept, function () { decide(p.id, "accept"); }));
          actions.appendChild(button(labels.defer, function () { decide(p.id, "defer"); }));
          actions.appendChild(button(labels.reject, async function () {
            var reason = await UI.ask({ title: labels.reject + ": " + p.title, input: labels.reasonPrompt, confirm: labels.reject });
            if (reason) { decide(p.id, "reject", reason); }
          }));
          var up = button(labels.up, function () { moveUp(p.id); });
          up.setAttribute("aria-label", labels.up + ": " + p.title);
          up.dataset.action = "up";
          actions.appendChild(up);
        }
        tr.appendChild(actions);
      }
      tr.addEventListener("mouseenter", function () {
        proposalLayer.eachLayer(function (g) { if (g.eachLayer) { g.eachLayer(function (l) { if (l.feature && l.feature.properties.id === p.id) { l.openTooltip(); } }); } });
      });
      tbody.appendChild(tr);
    });
  }
  // The detail of one proposal with its photos and documents (served by /d/<slug>/files/…, checked there).
  async function showDetail(id) {
    var response = await UI.get(api + "proposals/" + id + "/");
    if (!response.ok) { return; }
    var p = (await response.json()).properties;
    var panel = document.getElementById("proposal-detail");
    panel.querySelector("[data-part=title]").textContent = p.title;
    panel.querySelector("[data-part=status]").textContent = (labels.statuses[p.status] || p.status) + (p.decision_reason ? " (" + p.decision_reason + ")" : "");
    panel.querySelector("[data-part=files]").replaceChildren(PlanFiles.gallery(p.attachments, { empty: labels.noFiles }));
    panel.querySelector("[data-part=link]").href = "/d/" + root.dataset.district + "/proposals/" + id + "/";
    panel.dataset.proposal = String(id);
    panel.hidden = false;
  }

  async function decide(id, action, reason) {
    tableError.hidden = true;
    var result = await send("POST", api + "proposals/" + id + "/" + action + "/", { reason: reason || "" });
    if (!result.ok) { sayTableError(result); return; }
    UI.flash(labels.decided);
    await load();
  }
  // The commune's whole order (not only the rows a filter shows: an unlisted proposal would lose its rank), in rank order.
  async function wholeOrder() {
    var fc = await PlanMaps.fetchFeatures(api + "proposals/?page_size=5000&commune=" + commune);
    return fc.features.filter(function (f) { return f.properties.status !== "merged"; }).map(function (f) { return f.properties.id; });
  }
  // Put `id` just before `beforeId` (or last when null) in the commune's order, and save the order.
  async function placeBefore(id, beforeId) {
    tableError.hidden = true;
    var order = (await wholeOrder()).filter(function (x) { return x !== id; });
    var at = beforeId === null ? order.length : order.indexOf(beforeId);
    order.splice(at < 0 ? order.length : at, 0, id);
    var result = await send("POST", api + "proposals/rank/", { commune: commune, order: order });
    if (!result.ok) { sayTableError(result); await load(); return; }
    UI.flash(labels.ranked);
    await load();
  }
  // "Move up": before the row shown above it.
  async function moveUp(id) {
    var shown = features.filter(function (f) { return f.properties.status !== "merged"; }).map(function (f) { return f.properties.id; });
    var i = shown.indexOf(id);
    if (i <= 0) { return; }
    await placeBefore(id, shown[i - 1]);
    var again = document.querySelector('#proposal-rows tr[data-id="' + id + '"] button[data-action=up]');
    if (again) { again.focus(); }  // the keyboard stays on the row that moved
  }
  // Drag and drop of the rows (SortableJS, served locally; the "move up" buttons stay for the keyboard).
  if (canPlan && window.Sortable) {
    window.Sortable.create(document.getElementById("proposal-rows"), {
      handle: ".drag", animation: 120,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) { return; }
        var row = event.item, next = row.nextElementSibling;
        placeBefore(Number(row.dataset.id), next ? Number(next.dataset.id) : null);
      },
    });
  }
  filters.addEventListener("input", function () { load(); });
  if (canPlan) {
    document.getElementById("merge-selected").addEventListener("click", async function () {
      var ids = Array.from(document.querySelectorAll("input.pick:checked")).map(function (b) { return Number(b.value); });
      if (ids.length < 2) { return; }
      tableError.hidden = true;
      var result = await send("POST", api + "proposals/" + ids[0] + "/merge/", { duplicates: ids.slice(1) });
      if (!result.ok) { sayTableError(result); return; }
      UI.flash(labels.merged);
      await load();
    });
    document.getElementById("publish").addEventListener("click", async function () {
      if (!(await UI.ask({ title: labels.publishAsk, text: labels.publishHint, confirm: labels.publish }))) { return; }
      tableError.hidden = true;
      var year = Number(document.querySelector(".proposals-page").dataset.planYear);
      var result = await send("POST", api + "proposals/publish/", { commune: commune, plan_year: year });
      if (!result.ok) { sayTableError(result); return; }
      UI.flash(labels.published);
      await load();
    });
  }

  // Pinning a new proposal.
  var form = document.getElementById("proposal-form");
  if (form) {
    var drawn = new L.FeatureGroup().addTo(map);
    var geometry = null;
    map.addControl(new L.Control.Draw({
      edit: { featureGroup: drawn, remove: true },
      draw: { circle: false, rectangle: false, circlemarker: false, marker: true, polyline: true, polygon: { allowIntersection: false } },
    }));
    function place(layer) {
      drawn.clearLayers();
      drawn.addLayer(layer);
      geometry = layer.toGeoJSON().geometry;
      form.dataset.hasGeometry = "1";
    }
    map.on(L.Draw.Event.CREATED, function (e) { place(e.layer); });
    map.on(L.Draw.Event.EDITED, function () { drawn.eachLayer(function (l) { geometry = l.toGeoJSON().geometry; }); });
    map.on(L.Draw.Event.DELETED, function () { geometry = null; delete form.dataset.hasGeometry; });
    window.placeProposalAt = function (lat, lon) { place(L.marker([lat, lon])); };
    document.getElementById("use-my-position").addEventListener("click", function () {
      if (!navigator.geolocation) { showErrors({ geometry: [labels.noPosition] }); return; }
      navigator.geolocation.getCurrentPosition(
        function (pos) { place(L.marker([pos.coords.latitude, pos.coords.longitude])); map.setView([pos.coords.latitude, pos.coords.longitude], 16); },
        function () { showErrors({ geometry: [labels.noPosition] }); },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });

    function clearErrors() { UI.clearErrors(form); }
    function showErrors(errors, status) { UI.showErrors(form, errors, status); }
    // Numbers go as typed: the API reads them by the platform's rule (geo.numbers) and says why when it cannot.
    var submitButton = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (submitButton.disabled) { return; }  // a double click must not create two proposals
      submitButton.disabled = true;
      try { await submitProposal(); } finally { submitButton.disabled = false; }
    });
    async function submitProposal() {
      clearErrors();
      form.querySelector(".saved").textContent = "";
      if (!geometry) { showErrors({ geometry: [labels.drawFirst] }); return; }
      var properties = { commune: commune };
      new FormData(form).forEach(function (value, key) {
        if (value === "" || key === "files") { return; }
        properties[key] = typeof value === "string" ? value.trim() : value;
      });
      if (root.dataset.ownVillage) { properties.village = root.dataset.ownVillage; }
      if (properties.meeting) { properties.meeting = Number(properties.meeting); }
      var result = await send("POST", api + "proposals/", { type: "Feature", geometry: geometry, properties: properties });
      if (result.ok) {
        var files = form.elements.files ? Array.from(form.elements.files.files) : [];
        for (var i = 0; i < files.length; i++) {
          var data = new FormData();
          data.append("file", files[i]);
          var upload = await send("POST", api + "proposals/" + result.data.id + "/attachments/", data);
          if (!upload.ok) { showErrors(upload.data, upload.status); }
        }
        form.reset();
        drawn.clearLayers();
        geometry = null;
        delete form.dataset.hasGeometry;
        form.querySelector(".saved").textContent = labels.saved;
        UI.flash(labels.saved);
        await load();
      } else {
        showErrors(result.data, result.status);
      }
    }
  }

  // Village meetings: record one, then pick it for the proposals agreed there.
  var meetingForm = document.getElementById("meeting-form");
  async function loadMeetings() {
    var select = form && form.elements.meeting;
    if (!select) { return; }
    var fc = await PlanMaps.fetchFeatures(api + "village-meetings/?commune=" + commune);
    select.querySelectorAll("option[value]:not([value=''])").forEach(function (o) { o.remove(); });
    fc.features.forEach(function (f) {
      var option = document.createElement("option");
      option.value = f.properties.id;
      option.textContent = f.properties.village_name + " · " + UI.date(f.properties.held_on);
      select.appendChild(option);
    });
  }
  if (meetingForm) {
    var meetingButton = meetingForm.querySelector("button[type=submit]");
    meetingForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (meetingButton.disabled) { return; }
      meetingButton.disabled = true;
      try { await submitMeeting(); } finally { meetingButton.disabled = false; }
    });
    async function submitMeeting() {
      UI.clearErrors(meetingForm);
      var data = new FormData(meetingForm);
      data.append("commune", commune);
      if (!data.get("minutes") || !data.get("minutes").name) { data.delete("minutes"); }
      var result = await send("POST", api + "village-meetings/", data);
      var body = result.data || {};
      if (result.ok) {
        meetingForm.reset();
        await loadMeetings();
        form.elements.meeting.value = String(body.id);
        meetingForm.querySelector(".saved").textContent = labels.meetingSaved;
      } else {
        UI.showErrors(meetingForm, result.data, result.status);
      }
    }
  }

  // Importing a file of proposals: preview (nothing written) shows every row; "Import" is enabled only after a
  // preview the server read, and disabled while sending (a double click must not import twice).
  var importForm = document.getElementById("import-form");
  if (importForm) {
    var fileInput = importForm.elements.file;
    var previewButton = document.getElementById("import-preview");
    var applyButton = document.getElementById("import-apply");
    var busy = importForm.querySelector("[data-busy]");
    var summary = importForm.querySelector("[data-testid=import-summary]");
    var report = document.getElementById("import-report");
    var fill = function (template, data) {
      // Every import answers one shape (docs/API.md, "Imports"): a count per status and every row.
      return template.replace("{taken}", UI.number(data.created, 0)).replace("{refused}", UI.number(data.refused, 0)).replace("{duplicates}", UI.number(data.unchanged, 0));
    };
    var showReport = function (data) {
      var statusLabel = { created: labels.importTaken, refused: labels.importRefused, unchanged: labels.importDuplicate };
      var table = UI.el("table", null, { class: "import-report" });
      var head = table.createTHead().insertRow();
      [labels.importRow, labels.importStatus, labels.importDetail].forEach(function (text) { head.appendChild(UI.el("th", text)); });
      var body = table.createTBody();
      data.rows.forEach(function (row) {
        var tr = UI.el("tr", null, { "data-row": row.row, "data-status": row.status, class: "import-" + row.status });
        tr.appendChild(UI.el("td", row.row, { class: "num" }));
        tr.appendChild(UI.el("td", statusLabel[row.status] || row.status));
        tr.appendChild(UI.el("td", row.status === "created" ? row.label : row.reason));
        body.appendChild(tr);
      });
      report.replaceChildren(table);
      summary.dataset.preview = data.preview ? "1" : "0";
      summary.textContent = fill(data.preview ? labels.importPreviewed : labels.importDone, data);
    };
    var upload = async function (preview) {
      if (importForm.dataset.busy === "1") { return; }
      UI.clearErrors(importForm);
      var file = fileInput.files[0];
      if (!file) { UI.showErrors(importForm, { file: [labels.importChooseFile] }); return; }
      importForm.dataset.busy = "1";
      previewButton.disabled = true;
      applyButton.disabled = true;
      busy.hidden = false;
      var readable = false;
      try {
        var data = new FormData();
        data.append("file", file);
        var result = await UI.send("POST", api + "proposals/import/" + (preview ? "?preview=1" : ""), data);
        if (!result.ok) { report.replaceChildren(); summary.textContent = ""; UI.showErrors(importForm, result.data, result.status); return; }
        showReport(result.data);
        readable = preview;
        if (!preview) { await load(); }
      } finally {
        busy.hidden = true;
        previewButton.disabled = false;
        applyButton.disabled = !readable;  // after an import, a new preview is needed before importing again
        importForm.dataset.busy = "0";
      }
    };
    fileInput.addEventListener("change", function () { applyButton.disabled = true; report.replaceChildren(); summary.textContent = ""; });
    previewButton.addEventListener("click", function () { upload(true); });
    applyButton.addEventListener("click", function () { upload(false); });
  }

  await loadMeetings();
  await load();
})();
