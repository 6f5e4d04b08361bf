// The phone's queue of items waiting to be sent (issue 16), in IndexedDB through the idb library (served locally).
// Used by the capture page (offline.js) and by the service worker (Background Sync), so it touches no DOM.
//
// An item: {key (the Idempotency-Key, a UUID made when the item is created; key2 for a report's PATCH),
// kind: "meeting" | "proposal" | "report" | "evidence",
// owner (the username of whoever recorded it: only they see and send it), district (slug), created (ms), state: "waiting" | "sending" | "sent" | "refused", fields {name: text},
// geometry (GeoJSON, EPSG:4326 lon/lat, proposals), photos [{key, blob, name, sentId}], serverId, errors (the
// server's 400/403 answer, field → messages), status (HTTP)}. Each request of an item carries its own key, so a
// request repeated after a cut connection is answered by the server's replay, never created twice.
/* global idb */
(function (global) {
  "use strict";
  var DB_NAME = "sedp-offline";

  function open() {
    return idb.openDB(DB_NAME, 1, {
      upgrade: function (db) {
        db.createObjectStore("queue", { keyPath: "key" });
        db.createObjectStore("drafts", { keyPath: "id" });
        db.createObjectStore("meta", { keyPath: "id" });
      },
    });
  }

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var b = global.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Whether this browser holds the queue's database at all (false when IndexedDB is missing or off), without
  // creating it: a sign-out on a browser that never captured offline opens nothing.
  async function exists() {
    if (!global.indexedDB) { return false; }
    if (!global.indexedDB.databases) { return true; }
    return (await global.indexedDB.databases()).some(function (d) { return d.name === DB_NAME; });
  }

  async function put(item) { var db = await open(); await db.put("queue", item); return item; }
  async function get(key) { var db = await open(); return db.get("queue", key); }
  async function remove(key) { var db = await open(); await db.delete("queue", key); }
  // The items of one user (owner, a username; none without one), of one district or all; oldest first.
  async function list(district, owner) {
    var db = await open();
    var items = await db.getAll("queue");
    return items.filter(function (i) { return owner && i.owner === owner && (!district || i.district === district); })
      .sort(function (a, b) { return a.created - b.created; });
  }
  // Every user's items not sent yet (waiting, sending or refused), oldest first: what a sign-out would leave or lose.
  async function pending() {
    var db = await open();
    return (await db.getAll("queue")).filter(function (i) { return i.state !== "sent"; })
      .sort(function (a, b) { return a.created - b.created; });
  }
  // Sign-out: delete the user's queue, drafts ("<district>:<owner>:<form>") and bundles ("bundle:<district>:<owner>"),
  // the signed-in marker (meta "user"), which the service worker reads before it answers a kept page, and the kept
  // pages themselves (forgetPages). Other users' items and drafts stay, theirs to send.
  async function forget(owner) {
    var db = await open();
    var tx = db.transaction(["queue", "drafts", "meta"], "readwrite");
    var mine = function (id) { return String(id).split(":").indexOf(owner) > 0; };
    (await tx.objectStore("queue").getAll()).forEach(function (i) { if (i.owner === owner) { tx.objectStore("queue").delete(i.key); } });
    (await tx.objectStore("drafts").getAllKeys()).forEach(function (id) { if (mine(id)) { tx.objectStore("drafts").delete(id); } });
    (await tx.objectStore("meta").getAllKeys()).forEach(function (id) { if (mine(id) || id === "user") { tx.objectStore("meta").delete(id); } });
    await tx.done;
    await forgetPages();
  }
  // The pages and data the service worker keeps for offline use (sw.js answers these paths network first).
  var KEPT = [/^\/d\/[^/]+\/offline\/$/, /^\/d\/[^/]+\/api\/me\/offline\/$/];
  function kept(url) { var path = new URL(url, global.location.href).pathname; return KEPT.some(function (re) { return re.test(path); }); }
  // Delete the kept pages and bundles from the worker's caches ("sedp-<version>"), leaving the precached static files.
  // Works from a page or the worker (Cache Storage is the origin's); nothing to do without it (no secure context).
  async function forgetPages() {
    if (!global.caches) { return; }
    var names = (await global.caches.keys()).filter(function (n) { return n.indexOf("sedp-") === 0; });
    for (var n = 0; n < names.length; n++) {
      var cache = await global.caches.open(names[n]);
      var requests = (await cache.keys()).filter(function (r) { return kept(r.url); });
      await Promise.all(requests.map(function (r) { return cache.delete(r); }));
    }
  }
  async function meta(id, value) {
    var db = await open();
    if (value === undefined) { var row = await db.get("meta", id); return row ? row.value : undefined; }
    await db.put("meta", { id: id, value: value });
    return value;
  }
  async function draft(id, value) {
    var db = await open();
    if (value === undefined) { var row = await db.get("drafts", id); return row ? row.value : undefined; }
    if (value === null) { await db.delete("drafts", id); return null; }
    await db.put("drafts", { id: id, value: value });
    return value;
  }

  // One request; {ok, status, data, network} where network is true when no answer came (offline, cut).
  async function request(url, key, body, method) {
    var headers = { Accept: "application/json", "Idempotency-Key": key,
      "X-CSRFToken": (await meta("csrf")) || "", "Accept-Language": (await meta("language")) || "vi" };
    if (!(body instanceof FormData)) { headers["Content-Type"] = "application/json"; body = JSON.stringify(body); }
    var response;
    try {
      response = await fetch(url, { method: method || "POST", credentials: "same-origin", headers: headers, body: body, redirect: "manual" });
    } catch (e) {
      return { ok: false, status: 0, data: null, network: true };
    }
    var data = await response.json().catch(function () { return null; });
    // A redirect (to the sign-in page) means the session is gone, like a 401.
    var status = response.type === "opaqueredirect" ? 401 : response.status;
    return { ok: response.ok, status: status, data: data, network: false };
  }

  function form(fields, extra) {
    var data = new FormData();
    Object.keys(fields).forEach(function (k) { if (fields[k] !== "" && fields[k] !== null && fields[k] !== undefined) { data.append(k, fields[k]); } });
    Object.keys(extra || {}).forEach(function (k) { data.append(k, extra[k].blob, extra[k].name); });
    return data;
  }

  // The requests of one item, in order; each step's result is saved at once, so a cut in the middle resumes there.
  // Answers "sent", "refused", "wait" (a meeting it needs is not sent yet), "expired" (401) or "retry" (no answer, 5xx).
  async function sendItem(item) {
    var api = "/d/" + item.district + "/api/";
    var result;
    if (item.kind === "meeting") {
      if (!item.serverId) {
        var minutes = item.photos && item.photos[0] ? { minutes: item.photos[0] } : {};
        result = await request(api + "village-meetings/", item.key, form(Object.assign({}, item.fields, { commune: item.commune }), minutes));
        if (!result.ok) { return refusal(item, result); }
        item.serverId = result.data.id;
        await put(item);
      }
      return "sent";
    }
    if (item.kind === "proposal") {
      if (!item.serverId) {
        // Empty fields are left out, as the proposals page sends them (the server's defaults apply).
        var properties = { commune: item.commune };
        Object.keys(item.fields).forEach(function (k) { if (item.fields[k] !== "" && k !== "files") { properties[k] = item.fields[k]; } });
        if (properties.meeting && String(properties.meeting).indexOf("q:") === 0) {
          var meeting = await get(String(properties.meeting).slice(2));
          if (!meeting || !meeting.serverId) { return "wait"; }
          properties.meeting = meeting.serverId;
        }
        if (properties.meeting) { properties.meeting = Number(properties.meeting); }
        result = await request(api + "proposals/", item.key, { type: "Feature", geometry: item.geometry, properties: properties });
        if (!result.ok) { return refusal(item, result); }
        item.serverId = result.data.id;
        await put(item);
      }
      for (var i = 0; i < (item.photos || []).length; i++) {
        var photo = item.photos[i];
        if (photo.sentId) { continue; }
        result = await request(api + "proposals/" + item.serverId + "/attachments/", photo.key, form({}, { file: photo }));
        if (!result.ok) { return refusal(item, result); }
        photo.sentId = result.data.id;
        await put(item);
      }
      return "sent";
    }
    if (item.kind === "report") {
      // The village's periodic report (Đ10): opened (POST, the item's key), then written (PATCH, its second key).
      if (!item.serverId) {
        result = await request(api + "monitoring/reports/", item.key,
          { me_plan: Number(item.fields.me_plan), period: Number(item.fields.period), village: item.fields.village });
        if (!result.ok) { return refusal(item, result); }
        item.serverId = result.data.id;
        await put(item);
      }
      result = await request(api + "monitoring/reports/" + item.serverId + "/", item.key2,
        { problems: item.fields.problems || "", recommendations: item.fields.recommendations || "" }, "PATCH");
      return result.ok ? "sent" : refusal(item, result);
    }
    if (item.kind === "evidence") {
      // A geolocated evidence photo of the M&E plan (Đ10), where the phone was when it was saved.
      result = await request(api + "monitoring/evidence/", item.key,
        form(Object.assign({}, item.fields, { geometry: JSON.stringify(item.geometry) }), { photo: item.photos[0] }));
      if (!result.ok) { return refusal(item, result); }
      item.serverId = result.data.id || (result.data.properties || {}).id;
      return "sent";
    }
    return "refused";
  }

  async function refusal(item, result) {
    if (result.network || result.status >= 500 || result.status === 429) { return "retry"; }
    if (result.status === 401) { return "expired"; }
    item.errors = result.data || { detail: ["HTTP " + result.status] };
    item.status = result.status;
    return "refused";
  }

  var busy = null;
  // Send every waiting item of the signed-in user (meta "user", set by the capture page; nobody's when signed out),
  // all districts, oldest first: another user's item is never sent under this session. onProgress(done, total).
  // Answers {sent, refused, waiting, expired, retry}. Web Locks keep the page and the service worker from sending
  // the same queue at once (the server's idempotency would answer a double send anyway).
  async function flush(onProgress) {
    if (busy) { return busy; }
    var run = async function () {
      var items = (await list(null, await meta("user"))).filter(function (i) { return i.state === "waiting" || i.state === "sending"; });
      var summary = { sent: 0, refused: 0, waiting: 0, expired: false, retry: false, total: items.length };
      for (var n = 0; n < items.length; n++) {
        var item = await get(items[n].key);
        if (!item || (item.state !== "waiting" && item.state !== "sending")) { continue; }
        if (summary.expired || summary.retry) { summary.waiting++; continue; }
        item.state = "sending";
        await put(item);
        var outcome = await sendItem(item);
        item = Object.assign(await get(item.key), { errors: item.errors, status: item.status });
        if (outcome === "sent") { item.state = "sent"; item.errors = null; item.sentAt = Date.now(); summary.sent++; }
        else if (outcome === "refused") { item.state = "refused"; summary.refused++; }
        else { item.state = "waiting"; summary.waiting++; summary.expired = summary.expired || outcome === "expired"; summary.retry = summary.retry || outcome === "retry"; }
        await put(item);
        if (onProgress) { onProgress(n + 1, items.length, item); }
      }
      return summary;
    };
    busy = (global.navigator && global.navigator.locks ? global.navigator.locks.request("sedp-queue", run) : run());
    try { return await busy; } finally { busy = null; }
  }

  global.OfflineQueue = { open: open, exists: exists, uuid: uuid, put: put, get: get, remove: remove, list: list, pending: pending,
    meta: meta, draft: draft, flush: flush, forget: forget, kept: kept, forgetPages: forgetPages };
})(self);
