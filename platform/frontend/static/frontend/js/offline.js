// The offline capture page (issue 16): record village meetings and proposals with photos on a phone with or without a
// connection. What is recorded goes into the phone's queue (offline-queue.js, IndexedDB) with its Idempotency-Key and
// is sent by OfflineQueue.flush: at once when online, on the `online` event, by Background Sync, with a retry after a
// growing pause, and by "Send now". A refused item stays with the server's reasons next to its fields; "Correct"
// brings it back into its form and it is sent again with the same key. Form drafts are kept as they are typed.
/* global OfflineQueue, PlanMaps, SignOut */
(async function () {
  "use strict";
  var data = JSON.parse(document.getElementById("offline-data").textContent);
  var labels = data.labels;
  var Q = OfflineQueue;
  var slug = data.district;
  var user = data.user;  // the signed-in username: the owner of what is recorded here, the key of drafts and bundle
  var api = "/d/" + slug + "/api/";
  var meetingForm = document.getElementById("meeting-form");
  var proposalForm = document.getElementById("proposal-form");
  var reportForm = document.getElementById("report-form");
  var evidenceForm = document.getElementById("evidence-form");
  var forms = { meeting: meetingForm, proposal: proposalForm, report: reportForm, evidence: evidenceForm };
  var editing = { meeting: null, proposal: null, report: null, evidence: null };  // the refused item being corrected, per form

  // The service worker sends with the page's CSRF token and language (it cannot read cookies).
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1];
  if (csrf) { await Q.meta("csrf", decodeURIComponent(csrf)); }
  await Q.meta("language", document.documentElement.lang || "vi");
  await Q.meta("user", user);  // the signed-in marker: whose items flush() sends, whether the worker answers kept pages

  // --- the map: the commune and its villages from the page itself (no base tiles needed) ---------------------
  var map = PlanMaps.createMap("capture-map");
  var communeLayer = L.geoJSON(data.commune, { style: { className: "commune-shape", color: "#8f1d21", weight: 2, fillOpacity: 0.03 }, interactive: false }).addTo(map);
  L.geoJSON(data.villages, { style: { className: "village-shape", color: "#5a6b7b", weight: 1, dashArray: "4 3", fillOpacity: 0 }, interactive: false }).addTo(map);
  PlanMaps.labels(map, data.villages);
  PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }, { what: "village", colour: "#5a6b7b", dashed: true },
                     { what: "drawn", colour: "#3388ff", shape: "box" }]);
  if (data.commune.geometry) { PlanMaps.fit(map, communeLayer.getBounds()); }
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
    proposalForm.dataset.hasGeometry = "1";
    saveDraft("proposal");
  }
  function setGeometry(g) {
    drawn.clearLayers();
    geometry = g || null;
    if (g) { L.geoJSON(g).eachLayer(function (l) { drawn.addLayer(l); }); proposalForm.dataset.hasGeometry = "1"; } else { delete proposalForm.dataset.hasGeometry; }
  }
  document.getElementById("capture-map").dataset.ready = "1";  // drawn: the boundaries come with the page (tests wait for it)
  map.on(L.Draw.Event.CREATED, function (e) { place(e.layer); });
  map.on(L.Draw.Event.EDITED, function () { drawn.eachLayer(function (l) { geometry = l.toGeoJSON().geometry; }); saveDraft("proposal"); });
  map.on(L.Draw.Event.DELETED, function () { geometry = null; delete proposalForm.dataset.hasGeometry; saveDraft("proposal"); });
  document.getElementById("use-my-position").addEventListener("click", function () {
    UI.clearErrors(proposalForm);
    if (!navigator.geolocation) { UI.showErrors(proposalForm, { geometry: [labels.noPosition] }); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(L.marker([pos.coords.latitude, pos.coords.longitude]));
      map.setView([pos.coords.latitude, pos.coords.longitude], 16);
    }, function () { UI.showErrors(proposalForm, { geometry: [labels.noPosition] }); }, { enableHighAccuracy: true, timeout: 15000 });
  });

  // --- the phone's quick check: every vertex inside the commune (ray casting; the server's guard decides) -------
  function inRing(pt, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < (xj - xi) * (pt[1] - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function inCommune(pt) {
    var g = data.commune.geometry;
    if (!g) { return true; }
    var polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
    return polygons.some(function (poly) { return inRing(pt, poly[0]) && !poly.slice(1).some(function (hole) { return inRing(pt, hole); }); });
  }
  function vertices(g) {
    if (g.type === "Point") { return [g.coordinates]; }
    if (g.type === "LineString") { return g.coordinates; }
    if (g.type === "Polygon") { return g.coordinates[0]; }
    return [];
  }

  // --- photos: resized on the phone (longest edge data.maxEdge px, JPEG) before they are stored -----------------
  async function resized(file) {
    if (!file || !/^image\//.test(file.type)) { return file ? { blob: file, name: file.name } : null; }
    var bitmap = await createImageBitmap(file);
    var scale = Math.min(1, data.maxEdge / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    var blob = await new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    return { blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg", width: canvas.width, height: canvas.height };
  }

  // --- drafts: every form's typed values (and the drawn place) kept in IndexedDB as they are typed ---------------
  function values(form) {
    var out = {};
    new FormData(form).forEach(function (value, key) { if (typeof value === "string") { out[key] = value.trim(); } });
    return out;
  }
  function fill(form, fields) {
    Object.keys(fields || {}).forEach(function (k) { var input = form.elements[k]; if (input && input.type !== "file" && input.type !== "hidden") { input.value = fields[k]; } });
  }
  function saveDraft(kind) {
    var form = forms[kind];
    if (!form) { return; }
    Q.draft(slug + ":" + user + ":" + kind, { fields: values(form), geometry: kind === "proposal" ? geometry : null, editing: editing[kind] });
  }
  Object.keys(forms).forEach(function (kind) {
    var form = forms[kind];
    if (form) { form.addEventListener("input", function () { saveDraft(kind); }); form.addEventListener("change", function () { saveDraft(kind); }); }
  });

  // --- meetings in the proposal form: the server's (as last synced) and those still waiting on the phone --------
  async function fillMeetings() {
    var select = proposalForm.elements.meeting;
    if (!select) { return; }
    var chosen = select.value;
    select.querySelectorAll("option:not([value=''])").forEach(function (o) { o.remove(); });
    var bundle = (await Q.meta("bundle:" + slug + ":" + user)) || {};
    // The bundle lists meetings as rows, the meetings layer (the fallback) as Features.
    var meetings = Array.isArray(bundle.meetings) ? bundle.meetings : ((bundle.meetings || {}).features || []).map(function (f) { return f.properties; });
    meetings.forEach(function (m) {
      select.appendChild(UI.el("option", (m.village_name || "") + " · " + UI.date(m.held_on), { value: String(m.id) }));
    });
    (await Q.list(slug, user)).filter(function (i) { return i.kind === "meeting"; }).forEach(function (i) {
      var value = i.serverId ? String(i.serverId) : "q:" + i.key;
      if (select.querySelector('option[value="' + value + '"]')) { return; }
      select.appendChild(UI.el("option", i.fields.held_on + " · " + (i.serverId ? "" : labels.pendingMeeting), { value: value }));
    });
    select.value = chosen;
  }

  // --- saving an item in the queue ------------------------------------------------------------------------
  function missing(form, names) {
    var errors = {};
    names.forEach(function (n) { if (form.elements[n] && !String(form.elements[n].value || "").trim()) { errors[n] = [labels.required]; } });
    return errors;
  }
  async function queue(kind, form, fields, photos, place) {
    var item = editing[kind] ? await Q.get(editing[kind]) : null;
    if (!item) {
      item = { key: Q.uuid(), key2: Q.uuid(), kind: kind, owner: user, district: slug, commune: data.commune.properties.code, created: Date.now(), photos: [] };
    }
    item.fields = fields;
    item.state = "waiting";
    item.errors = null;
    if (place) { item.geometry = place; }
    // New photos replace the refused ones still unsent; photos the server holds stay.
    if (photos.length) {
      item.photos = (item.photos || []).filter(function (p) { return p.sentId; }).concat(photos.map(function (p) { return Object.assign({ key: Q.uuid() }, p); }));
    }
    await Q.put(item);
    editing[kind] = null;
    form.reset();
    delete form.dataset.editing;
    if (kind === "proposal") { setGeometry(null); }
    await Q.draft(slug + ":" + user + ":" + kind, null);
    form.querySelector(".saved").textContent = labels.queued;
    UI.flash(labels.queued);
    await render();
    await fillMeetings();
    kick();
  }
  if (meetingForm) {
    meetingForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      UI.clearErrors(meetingForm);
      var errors = missing(meetingForm, ["held_on", "place", "chair", "participants"]);
      if (Object.keys(errors).length) { UI.showErrors(meetingForm, errors); return; }
      var file = meetingForm.elements.minutes.files[0];
      var photo = file ? await resized(file) : null;
      await queue("meeting", meetingForm, values(meetingForm), photo ? [photo] : []);
    });
  }
  proposalForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    UI.clearErrors(proposalForm);
    proposalForm.querySelector(".saved").textContent = "";
    var errors = missing(proposalForm, ["title", "estimated_cost"]);
    if (!geometry) { errors.geometry = [labels.drawFirst]; }
    else if (!vertices(geometry).every(inCommune)) { errors.geometry = [labels.outside]; }
    if (Object.keys(errors).length) { UI.showErrors(proposalForm, errors); return; }
    var fields = values(proposalForm);
    if (data.ownVillage) { fields.village = data.ownVillage; }
    var files = Array.from(proposalForm.elements.files.files);
    var photos = [];
    for (var i = 0; i < files.length; i++) { photos.push(await resized(files[i])); }
    await queue("proposal", proposalForm, fields, photos, geometry);
  });

  // --- the village's periodic report and its evidence photos (village heads; the M&E plans from the bundle) -----
  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (pos) { resolve({ type: "Point", coordinates: [pos.coords.longitude, pos.coords.latitude] }); },
        function () { resolve(null); }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
  async function fillMonitoring() {
    if (!reportForm) { return; }
    var monitoring = ((await Q.meta("bundle:" + slug + ":" + user)) || {}).monitoring || { me_plans: [], periods: [] };
    var dmy = function (iso) { return iso.split("-").reverse().join("/"); };
    [reportForm.elements.me_plan, evidenceForm.elements.me_plan].forEach(function (select) {
      var chosen = select.value;
      select.replaceChildren();
      monitoring.me_plans.forEach(function (p) { select.appendChild(UI.el("option", String(p.year), { value: String(p.id) })); });
      if (chosen) { select.value = chosen; }
    });
    var periods = reportForm.elements.period, chosenPeriod = periods.value;
    periods.replaceChildren();
    monitoring.periods.forEach(function (p) { periods.appendChild(UI.el("option", dmy(p.starts_on) + " – " + dmy(p.ends_on), { value: String(p.id) })); });
    if (chosenPeriod) { periods.value = chosenPeriod; }
    document.querySelector("[data-testid=no-me-plan]").hidden = monitoring.me_plans.length > 0;
  }
  if (reportForm) {
    reportForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      UI.clearErrors(reportForm);
      var errors = missing(reportForm, ["me_plan", "period"]);
      if (Object.keys(errors).length) { UI.showErrors(reportForm, errors); return; }
      await queue("report", reportForm, Object.assign(values(reportForm), { village: data.ownVillage }), []);
    });
    evidenceForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      UI.clearErrors(evidenceForm);
      var errors = missing(evidenceForm, ["me_plan"]);
      var file = evidenceForm.elements.photo.files[0];
      var editingItem = editing.evidence ? await Q.get(editing.evidence) : null;
      if (!file && !editingItem) { errors.photo = [labels.required]; }
      var place = await position();
      if (!place && !editingItem) { errors.geometry = [labels.noPosition]; }
      if (Object.keys(errors).length) { UI.showErrors(evidenceForm, errors); return; }
      var takenOn = UI.today();  // the day the photo is taken in Vietnam, as the server's one date rule reads it: dd/mm/yyyy
      var fields = Object.assign(values(evidenceForm), { taken_on: takenOn });
      await queue("evidence", evidenceForm, fields, file ? [await resized(file)] : [], place);
    });
  }

  // --- the queue on the page -----------------------------------------------------------------------------
  var list = document.getElementById("queue-items");
  var count = document.querySelector("[data-testid=queue-count]");
  function reasons(errors) {
    var flat = UI.flattenErrors(errors || {});
    return Object.keys(flat).map(function (k) { return (k === "detail" ? "" : k + ": ") + flat[k]; }).join(" · ");
  }
  async function render() {
    var items = await Q.list(slug, user);
    list.replaceChildren();
    var open = items.filter(function (i) { return i.state !== "sent"; });
    count.textContent = String(open.length);
    if (!items.length) { list.appendChild(UI.el("li", labels.nothing)); }
    items.slice().reverse().forEach(function (item) {
      var li = UI.el("li", null, { "data-key": item.key, "data-state": item.state, "data-kind": item.kind, class: "queue-item state-" + item.state });
      var title = { meeting: item.fields.held_on + " · " + item.fields.place, proposal: item.fields.title,
        report: (item.fields.problems || "").slice(0, 60),
        evidence: item.fields.caption }[item.kind] || "";
      li.appendChild(UI.el("strong", labels.kinds[item.kind] + ": " + title));
      li.appendChild(UI.el("span", " · " + labels.states[item.state], { "data-testid": "item-state" }));
      if (item.photos && item.photos.length) { li.appendChild(UI.el("span", " · " + item.photos.length + " " + labels.photos)); }
      if (item.state === "refused") {
        li.appendChild(UI.el("p", reasons(item.errors), { class: "field-error", "data-testid": "item-reason" }));
        var fix = UI.el("button", labels.edit, { type: "button", "data-action": "edit" });
        fix.addEventListener("click", function () { correct(item); });
        li.appendChild(fix);
      }
      list.appendChild(li);
    });
  }
  // Bring a refused item back into its form, with the server's reasons next to its fields.
  async function correct(item) {
    var form = forms[item.kind];
    form.reset();
    fill(form, item.fields);
    if (item.kind === "proposal") { await fillMeetings(); if (item.fields.meeting) { form.elements.meeting.value = item.fields.meeting; } setGeometry(item.geometry); }
    editing[item.kind] = item.key;
    form.dataset.editing = item.key;
    form.closest("details").open = true;
    UI.clearErrors(form);
    UI.showErrors(form, item.errors, item.status);
    form.querySelector(".saved").textContent = labels.editing;
    form.scrollIntoView();
    saveDraft(item.kind);
  }

  // --- sending: now, on reconnect, by Background Sync, and again after a growing pause ---------------------------
  var progress = document.getElementById("send-progress");
  var summary = document.getElementById("send-summary");
  var expired = document.querySelector("[data-testid=session-expired]");
  var pause = 5000, timer = null;
  async function send() {
    if (!navigator.onLine) { return; }
    progress.hidden = false;
    progress.value = 0;
    var result = await Q.flush(function (done, total) {
      progress.max = total; progress.value = done;
      summary.textContent = labels.sentCount.replace("{sent}", done).replace("{total}", total);
      render();
    });
    progress.hidden = true;
    expired.hidden = !result.expired;
    await render();
    await fillMeetings();
    clearTimeout(timer);
    if (result.retry && !result.expired) {
      timer = setTimeout(send, pause);
      pause = Math.min(pause * 2, 5 * 60 * 1000);
    } else {
      pause = 5000;
    }
    if (result.sent) { await refresh(); }
    document.body.dataset.flushed = String(Number(document.body.dataset.flushed || 0) + 1);
  }
  function kick() {
    if (navigator.onLine) { send(); return; }
    if (navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) { return reg.sync.register("sedp-queue"); } }).catch(function () {});
    }
  }
  document.getElementById("send-now").addEventListener("click", send);

  // Signing out (signout.js, every page) warns while items wait; its "Send first" is this page's send.
  if (window.SignOut) { SignOut.sendWith(send); }
  var connection = document.querySelector("[data-testid=connection]");
  function showConnection() { connection.textContent = navigator.onLine ? labels.online : labels.offline; connection.dataset.online = navigator.onLine ? "1" : "0"; }
  window.addEventListener("online", function () { showConnection(); send(); });
  window.addEventListener("offline", showConnection);
  showConnection();

  // --- my proposals, as last synced: the bundle (GET api/me/offline/), else the proposals and meetings lists ------
  async function refresh() {
    if (!navigator.onLine) { return; }
    var bundle = null;
    try {
      var r = await UI.get(api + "me/offline/", { headers: { Accept: "application/json" } });
      if (r.ok) { bundle = await r.json(); }
      if (!bundle) {
        var commune = data.commune.properties.code;
        var proposals = await UI.get(api + "proposals/?page_size=5000&commune=" + commune);
        var meetings = await UI.get(api + "village-meetings/?page_size=5000&commune=" + commune);
        if (proposals.ok && meetings.ok) { bundle = { proposals: await proposals.json(), meetings: await meetings.json() }; }
      }
    } catch (e) { bundle = null; }
    if (!bundle) { return; }
    bundle.syncedAt = Date.now();
    await Q.meta("bundle:" + slug + ":" + user, bundle);
    await showMine();
    await fillMeetings();
    await fillMonitoring();
  }
  function when(ms) {
    return UI.moment(ms);
  }
  async function showMine() {
    var bundle = await Q.meta("bundle:" + slug + ":" + user);
    var ul = document.getElementById("mine-items");
    ul.replaceChildren();
    document.getElementById("mine-synced").textContent = bundle ? labels.lastSynced.replace("{when}", when(bundle.syncedAt)) : labels.never;
    ((bundle && bundle.proposals && bundle.proposals.features) || []).forEach(function (f) {
      var p = f.properties;
      var li = UI.el("li", p.title + " · " + (labels.statuses[p.status] || p.status_name || p.status), { "data-id": String(p.id), "data-status": p.status });
      ul.appendChild(li);
    });
  }

  // --- start: restore drafts, show the queue and the last synced lists, send what waits ---------------------------
  await fillMonitoring();
  for (var kind of Object.keys(forms)) {
    var form = forms[kind];
    var saved = form ? await Q.draft(slug + ":" + user + ":" + kind) : null;
    if (saved) {
      fill(form, saved.fields);
      if (kind === "proposal" && saved.geometry) { setGeometry(saved.geometry); }
      if (saved.editing) { editing[kind] = saved.editing; form.dataset.editing = saved.editing; }
    }
  }
  await render();
  await showMine();
  await fillMeetings();
  document.body.dataset.offlineReady = "1";
  await refresh();
  send();
})();
