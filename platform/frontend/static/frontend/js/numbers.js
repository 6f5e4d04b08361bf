// The platform's numeric rule in the browser (the server's is platform/geo/numbers.py, which decides):
// "." groups thousands, "," is the decimal mark: "150.000" = 150000, "86,5" = 86.5; "150,000" and "1.5" cannot be
// read one way only. Every input with data-number="vnd|million|percent|decimal|int" shows what will be understood
// next to it as it is typed ("= 300.000.000 đồng"), so a slip is seen before saving.
(function () {
  "use strict";
  var vi = (window.PLATFORM || {}).language !== "en";
  var T = vi
    ? { dong: "đồng", million: "triệu đồng", unclear: "không đọc được một cách duy nhất: “.” ngăn cách hàng nghìn, “,” là dấu thập phân", nan: "không phải là số" }
    : { dong: "đồng", million: "million đồng", unclear: "cannot be read one way only: “.” groups thousands, “,” is the decimal mark", nan: "not a number" };

  // {value: Number} or {error: text}; the same patterns as geo.numbers.read_number.
  function read(text) {
    text = String(text == null ? "" : text).trim().replace(/\s*(đồng|đ|vnd|vnđ|%)\s*$/i, "").replace(/[\s\u00a0\u202f]+/g, " ");
    var negative = /^[-−]/.test(text);
    if (negative) { text = text.slice(1).trim(); }
    var digits;
    if (/^\d+$/.test(text)) { digits = text; }
    else if (/^[1-9]\d{0,2}(\.\d{3})+(,\d+)?$/.test(text) || /^[1-9]\d{0,2}( \d{3})+(,\d+)?$/.test(text)) { digits = text.replace(/[. ]/g, "").replace(",", "."); }
    else if (/^\d{1,3}(,\d{3})+$/.test(text) || /^0\.\d{3}$/.test(text)) { return { error: T.unclear }; }
    else if (/^\d+,\d+$/.test(text)) { digits = text.replace(",", "."); }
    else if (/^\d+\.(\d{1,2}|\d{4,})$/.test(text)) { digits = text; }  // a dot that cannot group thousands
    else { return { error: T.nan }; }
    var value = Number(digits);
    return { value: negative ? -value : value };
  }

  function format(n, decimals) {
    var parts = Math.abs(n).toFixed(decimals || 0).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var fraction = parts[1] ? parts[1].replace(/0+$/, "") : "";
    return (n < 0 ? "-" : "") + whole + (fraction ? "," + fraction : "");
  }

  function understood(input) {
    var kind = input.dataset.number;
    if (input.value.trim() === "") { return ""; }
    var r = read(input.value);
    if (r.error) { return "⚠ " + r.error; }
    if (kind === "vnd") { return "= " + format(r.value, 0) + " " + T.dong + (Number.isInteger(r.value) ? "" : " ⚠"); }
    if (kind === "million") { return "= " + format(r.value, 3) + " " + T.million + " = " + format(Math.round(r.value * 1e6), 0) + " " + T.dong; }
    if (kind === "percent") { return "= " + format(r.value, 2) + " %"; }
    return "= " + format(r.value, 2);
  }

  function attach(input) {
    if (input.dataset.echoReady) { return; }
    input.dataset.echoReady = "1";
    var echo = document.createElement("small");
    echo.className = "number-echo";
    echo.setAttribute("aria-live", "polite");
    echo.dataset.echoFor = input.name;
    input.insertAdjacentElement("afterend", echo);
    var update = function () { echo.textContent = understood(input); };
    input.addEventListener("input", update);
    input.form && input.form.addEventListener("reset", function () { setTimeout(update, 0); });
    update();
  }

  function attachAll(root) { (root || document).querySelectorAll("input[data-number]").forEach(attach); }
  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  window.VnNumber = { read: read, format: format, attachAll: attachAll };
})();
