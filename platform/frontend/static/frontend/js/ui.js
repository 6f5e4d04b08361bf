// The one front-end helper every page loads (before its own script): text that came from data goes into
// the DOM as text, links only to http(s) or relative addresses, JSON and uploads sent with the CSRF token,
// a 400 shown next to the fields it names, and money and numbers written the same way on every page.
// Plain JavaScript, no build step; it defines window.UI.
(function () {
  "use strict";

  var body = document.body;
  // Page settings come as data- attributes of <body> (no inline script under the Content-Security-Policy).
  var config = { tileUrl: body.dataset.tileUrl || "", language: body.dataset.language || "vi" };

  // --- text, never markup -----------------------------------------------------------------------
  // For the rare places that build an HTML string (SVG charts): &, <, >, " and ' become entities.
  function escape(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  // An element whose content is `text` as text; attributes are set one by one (never parsed as HTML).
  function el(tag, text, attrs) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    return n;
  }

  // Content for a Leaflet tooltip or popup: Leaflet puts a string in as HTML but appends a node as is,
  // so data always reaches it as a node. Parts are joined as text; a part may itself be a node (<strong>).
  function tip() {
    var span = document.createElement("span");
    Array.prototype.forEach.call(arguments, function (part) {
      if (part === null || part === undefined) { return; }
      span.appendChild(part instanceof Node ? part : document.createTextNode(String(part)));
    });
    return span;
  }

  // A link address from data, or null: only http(s) with a host and relative addresses (no javascript:,
  // data:, vbscript:…, no "//host"); browsers ignore tabs and newlines in a scheme and read "\" as "/", so
  // a control character, a space or a backslash refuses it. The same rule as core/links.py.
  function safeUrl(url) {
    if (typeof url !== "string" || !url || /[\u0000-\u0020\u007f-\u009f\\]/.test(url)) { return null; }
    var scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
    if (scheme) { return /^https?:\/\/[^/?#]/i.test(url) ? url : null; }
    if (url.slice(0, 2) === "//" || url.split("/", 1)[0].indexOf(":") >= 0) { return null; }
    return url;
  }

  // <a> with `text` as text, or a <span> when the address is not one we link to.
  function link(url, text) {
    var safe = safeUrl(url);
    return safe ? el("a", text, { href: safe }) : el("span", text);
  }

  // --- sending ------------------------------------------------------------------------------------
  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The headers every request of a page carries: the page's language (<html lang>), so that labels and refusals
  // come back in it and not in the browser's (an English browser on a Vietnamese page), then `headers` as given.
  function pageHeaders(headers) {
    return Object.assign({ "Accept-Language": document.documentElement.lang || "vi" }, headers || {});
  }

  // get(url, options) -> the fetch Response. Every request a page makes goes through it (or send): the page's
  // language and the session cookie (same-origin); `options` are fetch's, their headers kept beside the language.
  function get(url, options) {
    var opts = Object.assign({ credentials: "same-origin" }, options || {});
    opts.headers = pageHeaders(opts.headers);
    return fetch(url, opts);
  }

  // send(method, url, body) -> {ok, status, data}. body: an object (sent as JSON), a FormData (multipart,
  // the browser sets the boundary) or undefined. data is the parsed JSON answer, or null.
  async function send(method, url, payload) {
    var multipart = payload instanceof FormData;
    var headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
    if (payload !== undefined && !multipart) { headers["Content-Type"] = "application/json"; }
    var response = await get(url, {
      method: method, headers: headers,
      body: payload === undefined ? undefined : (multipart ? payload : JSON.stringify(payload)),
    });
    var data = response.status === 204 ? null : await response.json().catch(function () { return null; });
    return { ok: response.ok, status: response.status, data: data };
  }

  // --- 400s next to their fields ---------------------------------------------------------------------
  // DRF's nested errors ({members: {0: {full_name: [...]}}}, {properties: {...}}) become "path" -> text;
  // "properties" (GeoJSON input) and "non_field_errors" add nothing to the path.
  function flattenErrors(errors, prefix, into) {
    into = into || {};
    prefix = prefix || "";
    if (errors === null || errors === undefined) { return into; }
    if (typeof errors !== "object") { into[prefix || "detail"] = String(errors); return into; }
    if (Array.isArray(errors) && errors.every(function (e) { return typeof e !== "object" || e === null; })) {
      into[prefix || "detail"] = errors.join(" ");
      return into;
    }
    Object.keys(errors).forEach(function (key) {
      var path = key === "properties" || key === "non_field_errors" ? prefix : (prefix ? prefix + "." + key : key);
      flattenErrors(errors[key], path, into);
    });
    return into;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  // Each message goes, as text, into the [data-error-for] slot of the longest prefix of its path (the
  // rest, a row number or a field, is written before it); without a slot, into "detail" or "__all__"; without those
  // either, in the page's flash (a refusal is never silent).
  // A field as the form labels it ("Số tiền (đồng)"), not its API key ("amount"); the key when the form has no label.
  function fieldLabel(form, name) {
    var input = form.querySelector('[name="' + name + '"]');
    var label = input && input.closest("label");
    var text = label ? Array.from(label.childNodes).filter(function (n) { return n.nodeType === 3; })
      .map(function (n) { return n.textContent; }).join(" ").trim() : "";
    return text || name;
  }

  function showErrors(form, errors, status) {
    var flat = flattenErrors(errors || { detail: "HTTP " + (status || "?") });
    // The rest of a path as people read it: "allocations.1.amount" under its slot → "#2 Số tiền (đồng)".
    var named = function (parts) { return parts.map(function (p) { return /^\d+$/.test(p) ? "#" + (Number(p) + 1) : fieldLabel(form, p); }).join(" "); };
    Object.keys(flat).forEach(function (path) {
      var parts = path.split("."), slot = null, label = "";
      for (var n = parts.length; n > 0 && !slot; n--) {
        slot = form.querySelector('[data-error-for="' + parts.slice(0, n).join(".") + '"]');
        if (slot) { label = named(parts.slice(n)); }
      }
      if (slot) {
        var input = form.querySelector('[name="' + parts[0] + '"]');
        if (input) { input.setAttribute("aria-invalid", "true"); }
      } else {
        slot = form.querySelector('[data-error-for="detail"]') || form.querySelector('[data-error-for="__all__"]');
        label = path === "detail" || path === "__all__" ? "" : named(parts);
      }
      // A form without a slot for this refusal (e.g. a state change refused with "detail") still says it.
      if (!slot) { flash((label ? label + ": " : "") + flat[path], { error: true }); return; }
      slot.textContent = (slot.textContent ? slot.textContent + " " : "") + (label ? label + ": " : "") + flat[path];
    });
  }

  // --- numbers and money ---------------------------------------------------------------------------
  function locale() { return config.language === "en" ? "en-GB" : "vi-VN"; }
  // The one number rule of the pages: Intl.NumberFormat in the page's language ("13,6" and "1.234.567" on Vietnamese
  // pages, "13.6" and "1,234,567" on English ones); minDigits fixes the decimals shown (Gini "0,860").
  function number(value, maxDigits, minDigits) {
    if (value === null || value === undefined || value === "") { return "—"; }
    var max = maxDigits === undefined ? 2 : maxDigits;
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: max, minimumFractionDigits: Math.min(minDigits || 0, max) }).format(value);
  }
  // A percentage already in percent points (13.6 → "13,6 %"), `digits` decimals at most (default 1).
  function percent(value, digits) {
    if (value === null || value === undefined || value === "") { return "—"; }
    return number(value, digits === undefined ? 1 : digits) + " %";
  }
  // A date (ISO text or Date) as dd/mm/yyyy in every language, as the server writes dates.
  function date(value) {
    if (!value) { return "—"; }
    var match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
    if (match) { return match[3] + "/" + match[2] + "/" + match[1]; }
    var d = value instanceof Date ? value : new Date(value);
    if (isNaN(d.getTime())) { return String(value); }
    var p = function (n) { return String(n).padStart(2, "0"); };
    return p(d.getDate()) + "/" + p(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  // A moment (ISO date-time text, a Date or milliseconds) as "dd/mm/yyyy hh:mm" in Vietnam time (Asia/Ho_Chi_Minh),
  // whatever the browser's own zone: the server writes +07:00 and the page says the time the district lives by.
  var VIETNAM = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit",
                                                  year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  function moment(value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    var d = value instanceof Date ? value : new Date(value);
    if (isNaN(d.getTime())) { return String(value); }
    var parts = {};
    VIETNAM.formatToParts(d).forEach(function (part) { parts[part.type] = part.value; });
    return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
  }
  // Today's date in Vietnam as dd/mm/yyyy, whatever the browser's own zone (a photo's day, a print's date).
  function today() {
    return moment(new Date()).slice(0, 10);
  }
  // VND as millions: 1 234,5 with the page language's separators; maxDigits decimals (default 1).
  function millions(vnd, maxDigits) {
    if (vnd === null || vnd === undefined) { return "—"; }
    return number(vnd / 1e6, maxDigits === undefined ? 1 : maxDigits);
  }

  // Keyboard (issue 15, part 5): the skip link leads past the map to the page's forms and lists (the aside of a map
  // page), and map markers are not tab stops (focus walked every shape before reaching the form); every shape has
  // its row in the page's list or table, which the keyboard reaches.
  document.addEventListener("DOMContentLoaded", function () {
    var aside = document.querySelector("main .split > aside, main section.split > aside");
    var skip = document.querySelector(".skip-link");
    if (aside && skip) {
      if (!aside.id) { aside.id = "page-content"; }
      aside.setAttribute("tabindex", "-1");
      skip.setAttribute("href", "#" + aside.id);
    }
  });
  if (window.L && L.Marker) { L.Marker.prototype.options.keyboard = false; }

  // Forms that only re-submit themselves on a change (a commune or period picker): no inline handler.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form && target.hasAttribute("data-autosubmit")) { target.form.submit(); }
  });

  // --- saying what happened, asking before an irreversible step -----------------------------------------
  // flash(text[, {error, next}]): a success (or failure) said in the page's status line; with next=true it is kept
  // for the next page (a save followed by a reload or a redirect still says so).
  var flashTimer = null;
  function flash(text, options) {
    options = options || {};
    if (options.next) { try { sessionStorage.setItem("ui-flash", String(text)); } catch (e) { /* private mode: said now only */ } }
    var box = document.getElementById("ui-flash");
    if (!box) { return; }
    box.textContent = String(text);
    box.className = options.error ? "flash error" : "flash";
    box.hidden = false;
    if (flashTimer) { clearTimeout(flashTimer); }
    flashTimer = setTimeout(function () { box.hidden = true; }, 8000);
  }
  try {
    var kept = sessionStorage.getItem("ui-flash");
    if (kept) { sessionStorage.removeItem("ui-flash"); document.addEventListener("DOMContentLoaded", function () { flash(kept); }); }
  } catch (e) { /* no storage: nothing kept */ }

  // ask({title, text, input, confirm, cancel}) -> Promise of the typed text (input: a label for a required text box),
  // true (a plain confirmation), or null when cancelled. A <dialog> of the page, never window.prompt/confirm.
  function ask(options) {
    return new Promise(function (resolve) {
      var dialog = el("dialog", null, { class: "ask", "data-testid": "ask" });
      var form = el("form", null, { method: "dialog", novalidate: "novalidate" });
      form.appendChild(el("h2", options.title || ""));
      if (options.text) { form.appendChild(el("p", options.text)); }
      var input = null;
      if (options.input) {
        var label = el("label", options.input + " ");
        input = el("textarea", null, { name: "answer", rows: "3", "aria-required": "true" });
        label.appendChild(input);
        form.appendChild(label);
        form.appendChild(el("p", null, { class: "field-error", "data-error-for": "answer", role: "alert" }));
      }
      var buttons = el("p", null, { class: "buttons" });
      var cancel = el("button", options.cancel || body.dataset.textCancel || "Cancel", { type: "button", value: "cancel", "data-testid": "ask-cancel" });
      var ok = el("button", options.confirm || body.dataset.textConfirm || "OK", { type: "submit", value: "ok", "data-testid": "ask-ok" });
      buttons.appendChild(cancel);
      buttons.appendChild(ok);
      form.appendChild(buttons);
      dialog.appendChild(form);
      document.body.appendChild(dialog);
      function done(value) { dialog.close(); dialog.remove(); resolve(value); }
      cancel.addEventListener("click", function () { done(null); });
      dialog.addEventListener("cancel", function (e) { e.preventDefault(); done(null); });
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        if (input) {
          var text = input.value.trim();
          if (!text) { form.querySelector("[data-error-for=answer]").textContent = body.dataset.textRequired || "Required."; input.focus(); return; }
          done(text);
        } else { done(true); }
      });
      dialog.showModal();
      (input || ok).focus();
    });
  }

  // Every date field of every page (an input marked data-date or with the placeholder dd/mm/yyyy) gets a calendar
  // (flatpickr, served from /static/vendor/flatpickr/, in Vietnamese on Vietnamese pages): the field stays a text
  // field in dd/mm/yyyy, the value the server reads (geo.numbers.DateInputField), and typing a date still works.
  // disableMobile: phones get the same calendar, not the browser's own picker (which would write yyyy-mm-dd).
  var DATE_FIELDS = "input[data-date], input[placeholder='dd/mm/yyyy']";
  // A typed dd/mm/yyyy as a Date, or undefined when it is no real day ("31/02/2026" is not 03/03/2026).
  function strictDate(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
    if (!m) { return undefined; }
    var d = new Date(+m[3], +m[2] - 1, +m[1]);
    return d.getDate() === +m[1] && d.getMonth() === +m[2] - 1 ? d : undefined;
  }
  // The words flatpickr's Vietnamese locale leaves in English (its year field was read aloud "Year", issue 15).
  var PICKER_VI = { yearAriaLabel: "Năm", monthAriaLabel: "Tháng", hourAriaLabel: "Giờ", minuteAriaLabel: "Phút",
                    scrollTitle: "Cuộn để tăng", toggleTitle: "Bấm để chuyển", weekAbbreviation: "Tuần" };
  function datePickers(root) {
    if (!window.flatpickr) { return; }
    var vi = (document.documentElement.lang || "vi").indexOf("vi") === 0;
    (root || document).querySelectorAll(DATE_FIELDS).forEach(function (input) {
      if (input._flatpickr || input.type === "hidden") { return; }
      window.flatpickr(input, {
        dateFormat: "d/m/Y", allowInput: true, disableMobile: true, monthSelectorType: "static",
        locale: vi && window.flatpickr.l10ns.vn ? Object.assign({}, window.flatpickr.l10ns.vn, PICKER_VI) : "default",
        parseDate: strictDate,
        onOpen: function (dates, text, picker) { picker.calendarContainer.setAttribute("data-testid", "date-picker"); },
      });
      // What the person typed stays as typed when it is no date (flatpickr would empty the field on leaving it):
      // the server then names the field and says why, as for any other bad value.
      var typed = null;
      input.addEventListener("input", function (e) { if (e.isTrusted) { typed = input.value; } });
      function keepTyped() {
        if (typed !== null && input.value !== typed && typed.trim() && !strictDate(typed)) { input.value = typed; }
      }
      // On leaving the field, and again once flatpickr has handled the focus moving on (it reads the field then too).
      input.addEventListener("blur", function () { keepTyped(); setTimeout(keepTyped); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { datePickers(document); });
  } else { datePickers(document); }
  // Forms pages build later (a dialog, a row added) get theirs too.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) { if (node.nodeType === 1 && !node.closest(".flatpickr-calendar")) { datePickers(node.parentNode || node); } });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  window.UI = {
    config: config, escape: escape, el: el, tip: tip, safeUrl: safeUrl, link: link,
    csrfToken: csrfToken, headers: pageHeaders, get: get, send: send, flattenErrors: flattenErrors, clearErrors: clearErrors, showErrors: showErrors,
    number: number, percent: percent, date: date, moment: moment, today: today, millions: millions, flash: flash, ask: ask, datePickers: datePickers,
  };
})();
