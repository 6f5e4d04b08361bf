// Review map of the district's public investment: projects by status, sector and capital source over the
// commune boundaries, the works the communes' draft plans put forward, review notes pinned on the map; a click on
// a project or a work opens its panel (details, origin proposals, history, reviews) with the decision form for
// district staff and the answer form for communes.
(async function () {
  "use strict";
  var config = JSON.parse(document.getElementById("review-config").textContent);
  var T = config.text;
  var el = document.getElementById("review-map");
  var panel = document.getElementById("project-panel");
  var flash = document.getElementById("flash");
  var map = PlanMaps.createMap("review-map");
  var STATUS_COLOURS = {
    proposed: "#8e44ad", preparation: "#d98c00", approved: "#1f6fb2",
    under_construction: "#c0392b", completed: "#1b7d3a", suspended: "#6b7480",
  };
  var shown = { status: new Set(Object.keys(config.statuses)), sector: new Set(Object.keys(config.sectors)), source: new Set(Object.keys(config.sources)) };
  var pinning = false;
  var pinnedAt = null;
  var pinMarker = null;
  var pinnedProject = null;

  // Throws with the API's messages (as text) when the answer is not a success.
  async function send(url, body) {
    var result = await UI.send("POST", url, body);
    if (!result.ok) {
      var flat = UI.flattenErrors(result.data || {});
      throw new Error(Object.keys(flat).map(function (k) { return k + ": " + flat[k]; }).join("; ") || String(result.status));
    }
    return result.data;
  }

  function say(text, isError) {
    flash.textContent = text;
    flash.className = isError ? "error" : "";
  }

  var node = UI.el;

  function money(vnd) {
    return UI.millions(vnd, 3) + " " + T.million;
  }

  // Who wrote a note or answer: the one person shape {username, name} of every answer (accounts.events.person_output).
  function who(person) {
    return person ? person.name : "";
  }

  // Dates by the one rule (UI.date, dd/mm/yyyy); a moment (a note, a step of the history) also shows its hh:mm in Vietnam time (UI.moment).
  function date(iso) {
    if (!iso) { return ""; }
    if (iso.length === 10) { return UI.date(iso); }
    return UI.moment(iso);
  }

  // --- layers ----------------------------------------------------------------------------------
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + config.district);
  var communeLayer = PlanMaps.unitLayer(communes, { className: "commune-shape", color: "#8f1d21", weight: 1.2, fillOpacity: 0.04, interactive: false }, null, map).addTo(map);
  if (communes.features.length) { PlanMaps.fit(map, communeLayer.getBounds()); }
  // The legend: the projects' colour by status (lines and points), the review notes, the communes' boundaries.
  PlanMaps.legend(map, {
    title: T.legendTitle || PlanMaps.words.legend,
    items: Object.keys(config.statuses).map(function (k) { return { colour: STATUS_COLOURS[k] || "#666", label: config.statuses[k], shape: "line" }; })
      .concat([{ colour: "#8f1d21", label: T.communeBoundary || "—", shape: "line" }]),
  });

  var projects = await PlanMaps.fetchFeatures(config.api + "investment-projects/?page_size=5000");
  var projectLayer = L.geoJSON(null, {
    style: function (f) {
      var colour = STATUS_COLOURS[f.properties.status];
      if (f.geometry.type === "Point") {  // Leaflet applies this style to circle markers too
        return { color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.9 };
      }
      return { color: colour, weight: 4, fillOpacity: 0.35 };
    },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 7 });
    },
    filter: function (f) {
      var p = f.properties;
      return shown.status.has(p.status) && shown.sector.has(p.sector) && (p.sources.length === 0 || p.sources.some(function (s) { return shown.source.has(s); }));
    },
    onEachFeature: function (f, layer) {
      // Read when the path is created (the layer is added right after this), so tests and CSS can find it.
      layer.options.className = "project-shape project-" + f.properties.status;
      layer.bindTooltip(UI.tip(f.properties.code, " · ", f.properties.name), { sticky: true });
      layer.on("click", function (e) {
        L.DomEvent.stopPropagation(e);
        // While pinning, a click on a project pins the note there and attaches it to that project.
        if (pinning) { pinAt(e.latlng, f.properties); return; }
        openProject(f.properties.id);
      });
    },
  }).addTo(map);

  // The works that the communes' current draft plans put forward: dashed outlines, under the projects.
  var planItems = await PlanMaps.fetchFeatures(config.api + "investment-plan-items/?page_size=5000");
  var planItemLayer = L.geoJSON(planItems, {
    style: function () { return { color: "#0b7285", weight: 3, dashArray: "5 4", fillColor: "#0b7285", fillOpacity: 0.15 }; },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 6, color: "#0b7285", weight: 2, dashArray: "3 2", fillColor: "#fff", fillOpacity: 0.9 });
    },
    onEachFeature: function (f, layer) {
      layer.options.className = "plan-item-shape" + (f.properties.review ? " plan-item-" + f.properties.review : "");
      layer.bindTooltip(UI.tip(T.planItem, ": ", f.properties.title, " · ", f.properties.commune_name), { sticky: true });
      layer.on("click", function (e) {
        if (pinning) { return; }
        L.DomEvent.stopPropagation(e);
        openPlanItem(f.properties.id);
      });
    },
  }).addTo(map);
  planItemLayer.bringToBack();
  el.dataset.planItems = String(planItems.features.length);
  document.getElementById("show-plan-items").addEventListener("change", function (e) {
    if (e.target.checked) { planItemLayer.addTo(map); planItemLayer.bringToBack(); } else { planItemLayer.remove(); }
  });

  // Pinned notes lie under the projects' lines (a pane below the overlay pane), so a note never hides the line it is on.
  map.createPane("notes").style.zIndex = 350;
  var reviewLayer = L.layerGroup().addTo(map);

  function drawProjects() {
    projectLayer.clearLayers();
    projectLayer.addData(projects);
    var drawn = projectLayer.getLayers().length;
    el.dataset.projects = String(drawn);
    document.querySelector("[data-testid=counts]").textContent = drawn + " / " + projects.features.length;
  }

  function buildFilters() {
    [["status", config.statuses], ["sector", config.sectors], ["source", config.sources]].forEach(function (pair) {
      var fieldset = document.querySelector("fieldset[data-filter=" + pair[0] + "]");
      Object.keys(pair[1]).forEach(function (code) {
        var label = node("label");
        var box = node("input", null, { type: "checkbox", value: code, name: pair[0] });
        box.checked = true;
        box.addEventListener("change", function () {
          if (box.checked) { shown[pair[0]].add(code); } else { shown[pair[0]].delete(code); }
          drawProjects();
        });
        label.appendChild(box);
        if (pair[0] === "status") { label.appendChild(node("span", null, { class: "swatch", style: "background:" + STATUS_COLOURS[code] })); }
        label.appendChild(document.createTextNode(pair[1][code]));
        fieldset.appendChild(label);
      });
    });
  }

  async function loadReviews() {
    var reviews = await PlanMaps.fetchFeatures(config.api + "reviews/?page_size=5000");
    reviewLayer.clearLayers();
    var list = document.querySelector("#review-list ol");
    list.textContent = "";
    reviews.features.forEach(function (f) {
      var p = f.properties;
      if (p.pinned) {
        var c = f.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { pane: "notes", radius: 8, className: "review-note" + (p.project ? " review-note-on-project" : ""), color: "#000", weight: 2, fillColor: "#ffd400", fillOpacity: 1 })
          .bindTooltip(UI.tip(T.note, ": ", p.project_code ? p.project_code + " · " : "", p.comment)).addTo(reviewLayer);
      }
      list.appendChild(reviewItem(p));
    });
    el.dataset.reviews = String(reviews.features.length);
  }

  function reviewItem(p) {
    var li = node("li", null, { class: "review-item", "data-review": p.id });
    var head = p.kind === "decision" ? config.decisions[p.decision] : T.note;
    li.appendChild(node("strong", head));
    if (p.project_code) { li.appendChild(document.createTextNode(" · " + p.project_code + " " + (p.project_name || ""))); }
    if (p.plan_item_title) { li.appendChild(document.createTextNode(" · " + T.planItem + ": " + p.plan_item_title)); }
    li.appendChild(node("div", p.comment, { class: "comment" }));
    li.appendChild(node("div", who(p.author) + " · " + date(p.created_at), { class: "muted" }));
    var answers = node("ul", null, { class: "answers" });
    (p.answers || []).forEach(function (a) { answers.appendChild(node("li", a.text + " — " + who(a.author))); });
    li.appendChild(answers);
    if (config.canAnswer && config.ownCommune && (p.communes || []).indexOf(config.ownCommune) >= 0) {
      var form = node("form", null, { class: "answer-form" });
      var area = node("textarea", null, { name: "text", rows: "2", required: "required", "aria-label": T.answer });
      form.appendChild(area);
      form.appendChild(node("button", T.sendAnswer, { type: "submit" }));
      form.addEventListener("submit", async function (e) {
        e.preventDefault();
        try {
          await send(config.api + "reviews/" + p.id + "/answers/", { text: area.value });
          say(T.answered);
          await loadReviews();
        } catch (err) { say(T.error + " " + err.message, true); }
      });
      li.appendChild(form);
    }
    return li;
  }

  // --- the project panel -----------------------------------------------------------------------
  async function openProject(id) {
    var response = await UI.get(config.api + "investment-projects/" + id + "/", { headers: { Accept: "application/json" } });
    if (!response.ok) { say(T.error + " " + response.status, true); return; }
    renderPanel(await response.json());
  }

  function section(title, items) {
    var wrap = node("section");
    wrap.appendChild(node("h2", title));
    var ul = node("ul");
    items.forEach(function (text) { ul.appendChild(node("li", text)); });
    wrap.appendChild(ul);
    return wrap;
  }

  function renderPanel(feature) {
    var p = feature.properties;
    panel.textContent = "";
    panel.hidden = false;
    panel.dataset.project = String(p.id);
    delete panel.dataset.planItem;
    panel.appendChild(node("h2", p.code + " · " + p.name, { "data-testid": "project-title" }));
    var dl = node("dl");
    [
      [T.status, p.status_label], [T.sector, p.sector_label], [T.group, p.group_label], [T.manager, p.manager_label],
      [T.investor, p.investor], [T.communes, p.communes.map(function (c) { return c.name; }).join(", ")],
      [T.total, money(p.total_investment)],
      [T.decision, [p.decision_number, date(p.decision_date)].filter(Boolean).join(", ")],
      [T.years, p.start_year + "–" + p.end_year], [T.progress, UI.percent(p.physical_progress)],
    ].forEach(function (row) { dl.appendChild(node("dt", row[0])); dl.appendChild(node("dd", row[1])); });
    panel.appendChild(dl);
    panel.appendChild(section(T.sources, p.sources.map(function (s) { return s.label + ": " + money(s.amount); })));
    panel.appendChild(section(T.allocations, p.allocations.map(function (a) { return a.year + " · " + a.label + ": " + money(a.amount) + " (" + a.plan_name + ")"; })));
    if (p.disbursements.length) {
      panel.appendChild(section(T.disbursed, p.disbursements.map(function (d) { return date(d.paid_on) + ": " + money(d.amount) + (d.physical_progress !== null ? " · " + UI.percent(d.physical_progress) : ""); })));
    }
    var origin = section(T.proposals, p.proposals.map(function (o) { return o.title + " — " + o.commune_name + (o.village ? ", " + o.village : "") + " (" + o.status_label + ")"; }));
    origin.setAttribute("data-testid", "origin-proposals");
    if (!p.proposals.length) { origin.appendChild(node("p", T.noProposals, { class: "muted" })); }
    panel.appendChild(origin);
    var answered = section(T.answersItems, p.plan_items.map(function (i) {
      return i.title + " — " + i.commune_name + ", " + i.plan_year + " v" + i.version + " (" + i.plan_status_label + ")"
        + (i.proposals.length ? " ← " + i.proposals.map(function (o) { return o.title; }).join("; ") : "");
    }));
    answered.setAttribute("data-testid", "project-plan-items");
    if (!p.plan_items.length) { answered.appendChild(node("p", T.noPlanItems, { class: "muted" })); }
    panel.appendChild(answered);
    var reviews = section(T.reviews, p.reviews.map(function (r) {
      return (r.decision_label || T.note) + ": " + r.comment + " — " + who(r.author) + ", " + date(r.created_at)
        + r.answers.map(function (a) { return " ↳ " + a.text + " — " + who(a.author); }).join("");
    }));
    reviews.setAttribute("data-testid", "project-reviews");
    if (!p.reviews.length) { reviews.appendChild(node("p", T.noReviews, { class: "muted" })); }
    panel.appendChild(reviews);
    var history = section(T.history, p.events.map(function (h) {
      return date(h.at) + " · " + h.action_label + (h.from && h.to && h.from !== h.to ? " (" + (config.statuses[h.from] || h.from) + " → " + (config.statuses[h.to] || h.to) + ")" : "")
        + (h.changes && h.changes.decision ? ": " + config.decisions[h.changes.decision] : "") + (h.note ? " — " + h.note : "") + (h.actor ? " · " + h.actor.name : "");
    }));
    history.setAttribute("data-testid", "project-history");
    panel.appendChild(history);
    if (config.canReview) { panel.appendChild(decisionForm(p, { project: p.id }, function () { return openProject(p.id); })); }
  }

  // --- the plan item panel ---------------------------------------------------------------------
  async function openPlanItem(id) {
    var response = await UI.get(config.api + "investment-plan-items/" + id + "/", { headers: { Accept: "application/json" } });
    if (!response.ok) { say(T.error + " " + response.status, true); return; }
    renderPlanItem(await response.json());
  }

  function renderPlanItem(feature) {
    var p = feature.properties;
    panel.textContent = "";
    panel.hidden = false;
    delete panel.dataset.project;
    panel.dataset.planItem = String(p.id);
    panel.appendChild(node("h2", T.planItem + " · " + p.title, { "data-testid": "plan-item-title" }));
    var dl = node("dl");
    [
      [T.commune, p.commune_name], [T.planVersion, p.plan_year + " · v" + p.version + " " + p.plan_kind_label + " (" + p.plan_status_label + ")"],
      [T.sector, p.sector_label], [T.cost, money(p.estimated_cost)],
    ].forEach(function (row) { dl.appendChild(node("dt", row[0])); dl.appendChild(node("dd", row[1])); });
    panel.appendChild(dl);
    if (p.funding.length) { panel.appendChild(section(T.funding, p.funding.map(function (s) { return s.label + ": " + money(s.amount); }))); }
    var origin = section(T.proposals, p.proposals.map(function (o) { return o.title + " — " + o.commune_name + (o.village ? ", " + o.village : "") + " (" + o.status_label + ")"; }));
    origin.setAttribute("data-testid", "item-proposals");
    if (!p.proposals.length) { origin.appendChild(node("p", T.noProposals, { class: "muted" })); }
    panel.appendChild(origin);
    var projectsSection = section(T.itemProjects, p.projects.map(function (x) { return x.code + " · " + x.name + " (" + x.status_label + ")"; }));
    if (!p.projects.length) { projectsSection.appendChild(node("p", T.noItemProjects, { class: "muted" })); }
    panel.appendChild(projectsSection);
    var reviews = section(T.itemReviews, p.reviews.map(function (r) {
      return (r.decision_label || T.note) + ": " + r.comment + " — " + who(r.author) + ", " + date(r.created_at)
        + r.answers.map(function (a) { return " ↳ " + a.text + " — " + who(a.author); }).join("");
    }));
    reviews.setAttribute("data-testid", "item-reviews");
    if (!p.reviews.length) { reviews.appendChild(node("p", T.noReviews, { class: "muted" })); }
    panel.appendChild(reviews);
    if (config.canReview) { panel.appendChild(decisionForm(p, { plan_item: p.id }, function () { return openPlanItem(p.id); })); }
  }

  function decisionForm(p, target, reopen) {
    var form = node("form", null, { id: "decision-form" });
    form.appendChild(node("h2", T.record));
    var select = node("select", null, { name: "decision", "aria-label": T.record });
    Object.keys(config.decisions).forEach(function (code) { select.appendChild(node("option", config.decisions[code], { value: code })); });
    form.appendChild(select);
    var label = node("label", T.comment);
    var area = node("textarea", null, { name: "comment", rows: "3", required: "required" });
    label.appendChild(area);
    form.appendChild(label);
    form.appendChild(node("button", T.save, { type: "submit" }));
    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      try {
        var properties = Object.assign({ decision: select.value, comment: area.value }, target);
        await send(config.api + "reviews/", { type: "Feature", geometry: null, properties: properties });
        say(T.saved);
        await reopen();
        await loadReviews();
        var collection = target.project ? projects : planItems;
        var feature = collection.features.find(function (f) { return f.properties.id === p.id; });
        if (feature) { feature.properties.review = select.value; }
      } catch (err) { say(T.error + " " + err.message, true); }
    });
    return form;
  }

  // --- pinned notes ----------------------------------------------------------------------------
  var pinButton = document.getElementById("pin-note");
  var noteForm = document.getElementById("note-form");
  if (pinButton) {
    pinButton.addEventListener("click", function () {
      pinning = true;
      noteForm.hidden = false;
      map.getContainer().classList.add("pinning");
    });
    map.on("click", function (e) { if (pinning) { pinAt(e.latlng, null); } });
    noteForm.querySelector("[data-action=cancel]").addEventListener("click", stopPinning);
    noteForm.addEventListener("submit", async function (e) {
      e.preventDefault();
      if (!pinnedAt) { say(T.pinHint, true); return; }
      try {
        await send(config.api + "reviews/", {
          type: "Feature", geometry: { type: "Point", coordinates: [pinnedAt.lng, pinnedAt.lat] },
          properties: { comment: noteForm.elements.comment.value, project: pinnedProject ? pinnedProject.id : null },
        });
        say(T.notePinned);
        noteForm.reset();
        stopPinning();
        await loadReviews();
      } catch (err) { say(T.error + " " + err.message, true); }
    });
  }

  // The place of the note, and the project it is on (null: a place only). The form says which project it is attached to.
  function pinAt(latlng, project) {
    pinnedAt = latlng;
    pinnedProject = project;
    if (pinMarker) { pinMarker.remove(); }
    pinMarker = L.circleMarker(latlng, { pane: "notes", radius: 8, className: "review-note-draft", color: "#000", fillColor: "#ffd400", fillOpacity: 0.6 }).addTo(map);
    var on = noteForm.querySelector("[data-part=on-project]");
    on.textContent = project ? T.noteOnProject + " " + project.code + " · " + project.name : "";
    noteForm.dataset.project = project ? String(project.id) : "";
  }

  function stopPinning() {
    pinning = false;
    pinnedAt = null;
    pinnedProject = null;
    noteForm.querySelector("[data-part=on-project]").textContent = "";
    noteForm.hidden = true;
    map.getContainer().classList.remove("pinning");
    if (pinMarker) { pinMarker.remove(); pinMarker = null; }
  }

  buildFilters();
  drawProjects();
  await loadReviews();
  el.dataset.ready = "1";
})();
