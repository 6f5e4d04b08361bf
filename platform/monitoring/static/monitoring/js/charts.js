// Small inline-SVG charts for the M&E dashboards: horizontal bars with a target line at 100 %.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var n = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) { n.textContent = text; }
    return n;
  }

  function progressColour(percent) {
    if (percent === null || percent === undefined) { return "#6b7480"; }
    if (percent < 33) { return "#b00020"; }
    if (percent < 66) { return "#d98c00"; }
    return "#1b7d3a";
  }

  // A label in lines of at most `max` characters, broken between words (a word longer than a line is a line of its
  // own): the whole label is shown, never cut ("chưa có kế hoạch theo d…", review rv15d).
  function lines(text, max) {
    var out = [];
    String(text).split(/\s+/).forEach(function (word) {
      var last = out.length ? out[out.length - 1] : null;
      if (last !== null && (last + " " + word).length <= max) { out[out.length - 1] = last + " " + word; } else { out.push(word); }
    });
    return out.length ? out : [""];
  }

  // rows: [{label, percent (or null), note}], percent drawn up to 150 % with the target marked at 100 %; a long label
  // wraps onto more lines and its row grows.
  function bars(container, rows, options) {
    options = options || {};
    var width = 360, labelWidth = 150, barWidth = width - labelWidth - 50, rowHeight = 24, lineHeight = 14, scaleMax = options.max || 100;
    var labelled = rows.map(function (row) { return lines(row.label, 24); });
    var heights = labelled.map(function (l) { return Math.max(rowHeight, l.length * lineHeight + 10); });
    var total = heights.reduce(function (a, b) { return a + b; }, 0);
    var svg = el("svg", { "class": "chart", width: width, height: Math.max(rowHeight, total) + 4, role: "img",
                          // A chart is an image: without a label of its own it reads its bars out (axe: svg-img-alt).
                          "aria-label": options.label || rows.map(function (row) {
                            return row.label + ": " + (row.percent === null || row.percent === undefined ? "–" : UI.percent(row.percent, 1));
                          }).join("; ") });
    var top = 2;
    rows.forEach(function (row, i) {
      var y = top + (heights[i] - rowHeight) / 2;
      top += heights[i];
      var g = el("g", { "class": "bar-row", "data-percent": row.percent === null ? "" : row.percent });
      var text = el("text", { x: 0, y: y + 15 - (labelled[i].length - 1) * lineHeight / 2, "class": "bar-label" });
      labelled[i].forEach(function (line, n) { text.appendChild(el("tspan", { x: 0, dy: n ? lineHeight : 0 }, line)); });
      g.appendChild(text).appendChild(el("title", {}, row.label));
      g.appendChild(el("rect", { "class": "track", x: labelWidth, y: y + 3, width: barWidth, height: rowHeight - 8 }));
      var share = row.percent === null || row.percent === undefined ? 0 : Math.max(0, Math.min(row.percent, scaleMax)) / scaleMax;
      g.appendChild(el("rect", { "class": "bar", x: labelWidth, y: y + 3, width: Math.round(barWidth * share), height: rowHeight - 8,
                                 fill: progressColour(row.percent) }));
      if (options.target) {
        var tx = labelWidth + Math.round(barWidth * options.target / scaleMax);
        g.appendChild(el("line", { "class": "target", x1: tx, x2: tx, y1: y + 1, y2: y + rowHeight - 3 }));
      }
      g.appendChild(el("text", { x: labelWidth + barWidth + 4, y: y + 15 }, row.percent === null || row.percent === undefined ? "–" : UI.percent(row.percent, 1)));
      svg.appendChild(g);
    });
    container.replaceChildren(svg);
    return svg;
  }

  window.MECharts = { bars: bars, progressColour: progressColour, svg: el };
})();
