// The map kit every map page shares (after ui.js): a Leaflet map with the optional base layer, a scale bar, a north
// arrow and a print button; GeoJSON fetching that follows pages; unit layers with names on hover and, where they
// fit, as permanent labels; the legend of a thematic map; printing to an A4 or A3 sheet (issue 15, part 3).
// Every word from data reaches the page as text (UI.el), never as markup.
(function () {
  "use strict";

  var vi = UI.config.language !== "en";

  // Leaflet.draw's words in Vietnamese (issue 15, part 5); English pages keep the plugin's own.
  var DRAW_VI = {
    draw: {
      toolbar: {
        actions: { title: "Hủy vẽ", text: "Hủy" },
        finish: { title: "Kết thúc vẽ", text: "Xong" },
        undo: { title: "Xóa điểm vừa vẽ", text: "Xóa điểm cuối" },
        buttons: { polyline: "Vẽ đường", polygon: "Vẽ vùng", rectangle: "Vẽ hình chữ nhật", circle: "Vẽ hình tròn",
          marker: "Đặt điểm", circlemarker: "Đặt điểm tròn" },
      },
      handlers: {
        marker: { tooltip: { start: "Bấm vào bản đồ để đặt điểm." } },
        circlemarker: { tooltip: { start: "Bấm vào bản đồ để đặt điểm." } },
        polyline: { error: "<strong>Lỗi:</strong> các cạnh không được cắt nhau!",
          tooltip: { start: "Bấm để bắt đầu vẽ đường.", cont: "Bấm để vẽ tiếp.", end: "Bấm vào điểm cuối để kết thúc." } },
        polygon: { tooltip: { start: "Bấm để bắt đầu vẽ vùng.", cont: "Bấm để vẽ tiếp.", end: "Bấm vào điểm đầu để khép vùng." } },
        rectangle: { tooltip: { start: "Bấm và kéo để vẽ hình chữ nhật." } },
        circle: { tooltip: { start: "Bấm và kéo để vẽ hình tròn." }, radius: "Bán kính" },
        simpleshape: { tooltip: { end: "Thả chuột để kết thúc." } },
      },
    },
    edit: {
      toolbar: {
        actions: { save: { title: "Lưu thay đổi", text: "Lưu" }, cancel: { title: "Hủy, bỏ mọi thay đổi", text: "Hủy" },
          clearAll: { title: "Xóa tất cả", text: "Xóa tất cả" } },
        buttons: { edit: "Sửa hình", editDisabled: "Không có hình để sửa", remove: "Xóa hình", removeDisabled: "Không có hình để xóa" },
      },
      handlers: {
        edit: { tooltip: { text: "Kéo các điểm để sửa hình.", subtext: "Bấm Hủy để bỏ thay đổi." } },
        remove: { tooltip: { text: "Bấm vào hình cần xóa." } },
      },
    },
  };

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (typeof source[key] === "object" && target[key]) { merge(target[key], source[key]); } else { target[key] = source[key]; }
    });
  }

  var WORDS = vi ? {
    north: "B", northTitle: "Hướng Bắc", print: "In bản đồ", printTitle: "In bản đồ ra PDF", paper: "Khổ giấy",
    orientation: "Hướng giấy", landscape: "Ngang", portrait: "Dọc", mapTitle: "Tiêu đề", preview: "Xem bản in",
    printNow: "In", close: "Đóng", download: "Tải PDF", making: "Đang tạo PDF…", failed: "Không tạo được PDF, hãy dùng nút In.", cancel: "Hủy", date: "Ngày in", source: "Nguồn",
    baseSource: "ranh giới xã: censusVN2009 (© 2017 Marc Choisy, giấy phép MIT); mã đơn vị hành chính và dân số: Tổng cục Thống kê (Tổng điều tra dân số 2019); số liệu kế hoạch: nền tảng lập kế hoạch phát triển KT-XH cấp xã",
    noData: "không có số liệu", legend: "Chú giải",
    province: "Ranh giới tỉnh", district: "Ranh giới huyện, thị xã, thành phố", commune: "Ranh giới xã, phường, thị trấn",
    village: "Ranh giới thôn, khu phố", proposal: "Đề xuất của thôn", work: "Công trình của kế hoạch", project: "Dự án đầu tư công",
    drawn: "Vị trí đang vẽ",
    leaflet: "Thư viện JavaScript cho bản đồ tương tác",
  } : {
    north: "N", northTitle: "North", print: "Print map", printTitle: "Print the map to PDF", paper: "Paper size",
    orientation: "Orientation", landscape: "Landscape", portrait: "Portrait", mapTitle: "Title", preview: "Print preview",
    printNow: "Print", close: "Close", download: "Download PDF", making: "Making the PDF…", failed: "The PDF could not be made; use Print.", cancel: "Cancel", date: "Printed on", source: "Source",
    baseSource: "commune boundaries: censusVN2009 (© 2017 Marc Choisy, MIT licence); unit codes and population: General Statistics Office (2019 census); plan data: the commune development planning platform",
    noData: "no data", legend: "Legend",
    province: "Province boundary", district: "District boundary", commune: "Commune boundary",
    village: "Village boundary", proposal: "Village proposal", work: "Work of the plan", project: "Public-investment project",
    drawn: "Place being drawn",
    leaflet: "A JavaScript library for interactive maps",
  };

  function control(position, build) {
    var c = L.control({ position: position });
    c.onAdd = function () {
      var div = build();
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    return c;
  }

  // Every map of the platform: zoom buttons in the page's language, a metric scale bar, a north arrow, the print
  // button, and the base map's credit only once one of its tiles has loaded (without tiles, or offline, the map
  // claims no OpenStreetMap). `options.title` and `options.source` go on the printed sheet (defaults: the page's
  // <h1>; the page's data source, printed before the boundaries', codes' and plan data's sources; the map element's data-title / data-source win).
  function createMap(elementId, options) {
    var map = L.map(elementId, { preferCanvas: false, zoomControl: false }).setView([21.12, 106.1], 10);
    map.kit = { options: options || {} };
    L.control.zoom(vi ? { zoomInTitle: "Phóng to", zoomOutTitle: "Thu nhỏ" } : {}).addTo(map);
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    // Leaflet's own credit keeps its link, with its title in the page's language (a constant of this file, never data).
    var prefix = map.attributionControl.options.prefix;
    if (typeof prefix === "string") {
      map.attributionControl.setPrefix(prefix.replace('title="A JavaScript library for interactive maps"', 'title="' + WORDS.leaflet + '"'));
    }
    control("topright", function () {
      var div = UI.el("div", null, { "class": "leaflet-control map-north", title: WORDS.northTitle, "aria-label": WORDS.northTitle,
                                     "data-testid": "north-arrow", role: "img" });
      div.appendChild(UI.el("span", "▲", { "class": "arrow", "aria-hidden": "true" }));
      div.appendChild(UI.el("span", WORDS.north, { "class": "letter" }));
      return div;
    }).addTo(map);
    control("topleft", function () {
      var div = UI.el("div", null, { "class": "leaflet-bar leaflet-control map-print-control" });
      var button = UI.el("button", "⎙", { type: "button", title: WORDS.printTitle, "aria-label": WORDS.printTitle, "data-testid": "print-map" });
      button.addEventListener("click", function () { printDialog(map); });
      div.appendChild(button);
      return div;
    }).addTo(map);
    if (vi && L.drawLocal && !L.drawLocal.vi) { merge(L.drawLocal, DRAW_VI); L.drawLocal.vi = true; }
    if (UI.config.tileUrl) {
      var tiles = map.kit.tiles = L.tileLayer(UI.config.tileUrl, { maxZoom: 19 }).addTo(map);
      tiles.once("tileload", function () { map.attributionControl.addAttribution("© OpenStreetMap"); });
    }
    return map;
  }

  // --- the legend of a thematic map -------------------------------------------------------------------------
  // legend(map, {title, unit, items: [{colour, label, count?, shape?}], noData: {colour, count?}?, position?})
  // -> the control (call again to replace it). A shape is "box" (default), "dot" or "line". "không có số liệu"
  // is the grey item last when `noData` is given. The same legend is on the screen and on the printed sheet.
  function legend(map, spec) {
    if (map.kit.legend) { map.removeControl(map.kit.legend); }
    map.kit.legend = control(spec.position || "bottomright", function () {
      var div = UI.el("div", null, { "class": "legend map-legend", "data-testid": "legend" });
      if (spec.title) { div.appendChild(UI.el("strong", spec.title)); }
      if (spec.unit) { div.appendChild(UI.el("small", "(" + spec.unit + ")", { "class": "legend-unit" })); }
      var list = UI.el("ul", null, { "class": "legend-items" });
      var items = (spec.items || []).slice();
      if (spec.noData) { items.push({ colour: spec.noData.colour, label: WORDS.noData, count: spec.noData.count, noData: true }); }
      items.forEach(function (item) {
        var li = UI.el("li", null, item.noData ? { "class": "legend-no-data" } : {});
        var swatch = UI.el("i", null, { "class": "swatch swatch-" + (item.shape || "box"), "aria-hidden": "true" });
        swatch.style.background = item.shape === "line" ? "transparent" : item.colour;
        if (item.shape === "line") { swatch.style.borderTopColor = item.colour; if (item.dashed) { swatch.style.borderTopStyle = "dashed"; } }
        li.appendChild(swatch);
        // a number never parts from its unit at the end of a line ("66–100 %"): a non-breaking space before "%"
        li.appendChild(UI.el("span", String(item.label).replace(/ %/g, "\u00a0%") + (item.count !== undefined && item.count !== null ? " (" + item.count + ")" : ""), { "class": "legend-label" }));
        list.appendChild(li);
      });
      div.appendChild(list);
      return div;
    });
    map.kit.legend.addTo(map);
    return map.kit.legend;
  }

  // key(map, [{what, colour, shape?, dashed?}]) -> the legend of a reference map (no classes): what each kind of
  // line or shape is, `what` one of WORDS' province, district, commune, village, proposal, work, project, drawn.
  // Every map has a legend, so that a printed map is read without the page around it.
  function key(map, items) {
    return legend(map, { title: WORDS.legend, items: items.map(function (item) {
      return { colour: item.colour, shape: item.shape || "line", dashed: item.dashed, label: WORDS[item.what] };
    }) });
  }

  // legendFromPage(map, element): the page's own legend (a template's constant words and colours) moves into
  // the map as its legend control, so it is read beside the shapes and printed with them.
  function legendFromPage(map, element) {
    if (!element) { return null; }
    if (map.kit.legend) { map.removeControl(map.kit.legend); }
    map.kit.legend = control("bottomright", function () {
      var div = UI.el("div", null, { "class": "legend map-legend", "data-testid": "legend" });
      div.appendChild(element);
      return div;
    }).addTo(map);
    return map.kit.legend;
  }

  // --- unit names as labels, where they fit ---------------------------------------------------------------
  // labels(map, collection, {minZoom?}) -> a layer of the features' `properties.name` at their centres. A label
  // shows only from `minZoom` (default 11) and only when it is narrower than its unit on the screen and meets no
  // label already shown on the map (the larger units first, whichever layer they belong to): at the province's zoom
  // the commune names stay hidden instead of piling up, closer in they appear. Labels take no clicks and no focus.
  function labels(map, collection, options) {
    var minZoom = (options || {}).minZoom || 11;
    var group = L.layerGroup(), entries = [];
    (collection.features || []).forEach(function (feature) {
      if (!feature.geometry || !feature.properties || !feature.properties.name) { return; }
      var shape = L.geoJSON(feature), bounds = shape.getBounds(), centre = null;
      shape.eachLayer(function (l) { if (!centre && l.getCenter) { try { centre = l.getCenter(); } catch (e) { centre = null; } } });
      var text = UI.el("span", feature.properties.name, { "class": "unit-label-text" });
      var marker = L.marker(centre || bounds.getCenter(), {
        icon: L.divIcon({ className: "unit-label", html: text, iconSize: null }), interactive: false, keyboard: false,
      });
      entries.push({ marker: marker, bounds: bounds, minZoom: minZoom, group: group,
                     area: Math.abs((bounds.getEast() - bounds.getWest()) * (bounds.getNorth() - bounds.getSouth())) });
      group.addLayer(marker);
    });
    if (!map.kit.labelEntries) {
      map.kit.labelEntries = [];
      // While a zoom runs, markers glide to their new places (a CSS transition) and a placement measured then is
      // wrong once they arrive: labels are placed when the zoom ends (a layer that arrived during it waits for that).
      map.on("zoomstart", function () { map.kit.zooming = true; });
      map.on("zoomend", function () { map.kit.zooming = false; });
      map.on("zoomend moveend resize", function () { placeLabels(map); });
    }
    group.on("add remove", function () { setTimeout(function () { placeLabels(map); }); });
    map.kit.labelEntries = map.kit.labelEntries.concat(entries).sort(function (a, b) { return b.area - a.area; });
    return group;
  }

  // Labels keep this many pixels apart (they touched on printed sheets).
  var LABEL_GAP = 2;
  // The margin (px) left around the data when a print sheet is refitted.
  var PRINT_PADDING = 12;

  function placeLabels(map) {
    if (map.kit.zooming) { return; }
    var shown = [], zoom = map.getZoom(), container = map.getContainer();
    (map.kit.labelEntries || []).forEach(function (entry) {
      var node = entry.marker.getElement();
      if (!node || !map.hasLayer(entry.group)) { return; }
      node.hidden = false;
      var fits = false;
      if (zoom >= entry.minZoom) {
        var rect = node.firstChild.getBoundingClientRect();
        var ne = map.latLngToContainerPoint(entry.bounds.getNorthEast()), sw = map.latLngToContainerPoint(entry.bounds.getSouthWest());
        fits = rect.width <= Math.abs(ne.x - sw.x) && rect.height <= Math.abs(ne.y - sw.y) &&
          !shown.some(function (r) {
            return rect.left < r.right + LABEL_GAP && r.left < rect.right + LABEL_GAP && rect.top < r.bottom + LABEL_GAP && r.top < rect.bottom + LABEL_GAP;
          });
        if (fits) { shown.push(rect); }
      }
      node.hidden = !fits;
      node.classList.toggle("unit-label-shown", fits);
    });
    container.dataset.zoom = String(zoom);
    container.dataset.labelsShown = String(shown.length);
  }

  // --- printing -------------------------------------------------------------------------------------------
  // The dialog chooses A4 or A3, landscape or portrait, and the title. "Tải PDF" (one click) lays out the sheet at
  // its size in millimetres (title, the map with its legend, labels, scale bar and north arrow, the date dd/mm/yyyy
  // and the source), draws it with html-to-image and saves it as a one-page PDF of that paper with jsPDF (both from
  // npm, served locally, loaded on the first click): the same file in every browser, without the print dialog.
  // "Xem bản in" shows the sheet first; its "In" is the browser's print with @page set to that paper.
  var PAPER = { A4: [210, 297], A3: [297, 420] }, MARGIN = 10;

  function mapTitle(map) {
    var el = map.getContainer(), h1 = document.querySelector("main h1");
    return el.dataset.title || map.kit.options.title || (h1 ? h1.textContent.trim() : document.title);
  }

  function printDialog(map) {
    var dialog = UI.el("dialog", null, { "class": "print-dialog", "data-testid": "print-dialog", "aria-label": WORDS.printTitle });
    var form = UI.el("form", null, { method: "dialog" });
    form.appendChild(UI.el("h2", WORDS.printTitle));
    function choice(label, name, options) {
      var wrap = UI.el("label", label + " ");
      var select = UI.el("select", null, { name: name });
      options.forEach(function (o) { select.appendChild(UI.el("option", o[1], { value: o[0] })); });
      wrap.appendChild(select);
      form.appendChild(wrap);
    }
    choice(WORDS.paper, "paper", [["A4", "A4"], ["A3", "A3"]]);
    choice(WORDS.orientation, "orientation", [["landscape", WORDS.landscape], ["portrait", WORDS.portrait]]);
    var titleLabel = UI.el("label", WORDS.mapTitle + " ");
    titleLabel.appendChild(UI.el("input", null, { name: "title", type: "text", value: mapTitle(map), size: "40" }));
    form.appendChild(titleLabel);
    var buttons = UI.el("p", null, { "class": "actions" });
    var pdf = UI.el("button", WORDS.download, { type: "submit", value: "pdf", "data-testid": "print-download" });
    var go = UI.el("button", WORDS.preview, { type: "submit", value: "preview", "data-testid": "print-preview" });
    var cancel = UI.el("button", WORDS.cancel, { type: "button", value: "cancel" });
    cancel.addEventListener("click", function () { dialog.close(); });
    buttons.appendChild(pdf);
    buttons.appendChild(go);
    buttons.appendChild(cancel);
    form.appendChild(buttons);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var choices = { paper: form.elements.paper.value, orientation: form.elements.orientation.value, title: form.elements.title.value };
      dialog.close();
      dialog.remove();
      var frame = printSheet(map, choices);
      if (e.submitter && e.submitter.value === "pdf") {
        downloadPdf(frame).then(frame.closeSheet, function () { frame.closeSheet(); UI.flash(WORDS.failed, { error: true }); });
      }
    });
    dialog.addEventListener("close", function () { dialog.remove(); });
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  // printSheet(map, {paper: "A4"|"A3", orientation: "landscape"|"portrait", title}): the map moves into the sheet
  // (and back on "Đóng"), so its legend, scale bar and north arrow are printed with it.
  function printSheet(map, choices) {
    var size = PAPER[choices.paper] || PAPER.A4, landscape = choices.orientation !== "portrait";
    var width = (landscape ? size[1] : size[0]) - 2 * MARGIN, height = (landscape ? size[0] : size[1]) - 2 * MARGIN - 2;
    var el = map.getContainer(), home = { parent: el.parentNode, next: el.nextSibling, style: el.getAttribute("style") };
    var screen = map.getBounds();
    var pageRule = UI.el("style", "@page { size: " + choices.paper + " " + (landscape ? "landscape" : "portrait") + "; margin: " + MARGIN + "mm; }");
    document.head.appendChild(pageRule);
    var frame = UI.el("div", null, { "class": "print-frame", "data-testid": "print-frame" });
    var tools = UI.el("p", null, { "class": "print-tools" });
    var download = UI.el("button", WORDS.download, { type: "button", "data-testid": "print-download" });
    var printNow = UI.el("button", WORDS.printNow, { type: "button", "data-testid": "print-now" });
    var close = UI.el("button", WORDS.close, { type: "button", "data-testid": "print-close" });
    tools.appendChild(download);
    tools.appendChild(printNow);
    tools.appendChild(close);
    var sheet = UI.el("div", null, { "class": "print-sheet", "data-paper": choices.paper, "data-orientation": landscape ? "landscape" : "portrait" });
    sheet.style.width = width + "mm";
    sheet.style.height = height + "mm";
    sheet.appendChild(UI.el("h1", choices.title || mapTitle(map), { "class": "print-title" }));
    var body = UI.el("div", null, { "class": "print-map" });
    sheet.appendChild(body);
    var foot = UI.el("p", null, { "class": "print-foot" });
    foot.appendChild(UI.el("span", WORDS.date + ": " + UI.today(), { "data-testid": "print-date" }));
    // The page's own data (data-source / options.source) first, then what every map is drawn from: the boundaries'
    // MIT licence requires its credit on every copy (platform/fixtures/README.md).
    var own = el.dataset.source || map.kit.options.source;
    foot.appendChild(UI.el("span", WORDS.source + ": " + (own ? own + "; " : "") + WORDS.baseSource, { "data-testid": "print-source" }));
    sheet.appendChild(foot);
    frame.appendChild(tools);
    frame.appendChild(sheet);
    document.body.appendChild(frame);
    document.body.classList.add("map-printing");
    body.appendChild(el);
    el.style.width = "100%";
    el.style.height = "100%";
    map.invalidateSize();
    // Refit to the paper: the page's data bounds (PlanMaps.fit) in the sheet's printable area, at a quarter zoom step
    // so the area fills the sheet, then the labels placed again by the no-overlap rule at the new scale.
    var snap = map.options.zoomSnap;
    map.options.zoomSnap = 0.25;
    view(map, map.kit.dataBounds || screen, { padding: [PRINT_PADDING, PRINT_PADDING] });
    placeLabels(map);
    printNow.addEventListener("click", function () { window.print(); });
    download.addEventListener("click", function () {
      download.disabled = true;
      downloadPdf(frame).catch(function () { UI.flash(WORDS.failed, { error: true }); }).then(function () { download.disabled = false; });
    });
    frame.sheet = sheet;
    frame.map = map;
    frame.choices = { paper: PAPER[choices.paper] ? choices.paper : "A4", landscape: landscape, width: width, height: height,
                      title: choices.title || mapTitle(map) };
    frame.closeSheet = function () {
      if (home.next) { home.parent.insertBefore(el, home.next); } else { home.parent.appendChild(el); }
      if (home.style === null) { el.removeAttribute("style"); } else { el.setAttribute("style", home.style); }
      frame.remove();
      pageRule.remove();
      document.body.classList.remove("map-printing");
      map.options.zoomSnap = snap;
      map.invalidateSize();
      view(map, screen);
    };
    close.addEventListener("click", frame.closeSheet);
    frame.dataset.ready = "1";
    return frame;
  }

  // The two libraries of the PDF, loaded once, on the first "Tải PDF" (their URLs: <body data-print-libraries>).
  var libraries = null;
  function loadPrintLibraries() {
    if (!libraries) {
      libraries = Promise.all((document.body.dataset.printLibraries || "").split(" ").filter(Boolean).map(function (src) {
        return new Promise(function (resolve, reject) {
          var script = UI.el("script", null, { src: src });
          script.addEventListener("load", resolve);
          script.addEventListener("error", function () { libraries = null; reject(new Error(src)); });
          document.head.appendChild(script);
        });
      }));
    }
    return libraries;
  }

  // A name for the saved file: the title without the characters file systems refuse.
  function fileName(title) {
    return (title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 120) || "ban-do") + ".pdf";
  }

  // downloadPdf(frame) -> Promise: the sheet of `frame` (from printSheet) as a one-page PDF of its paper and
  // orientation, margins MARGIN mm, saved by the browser (a download, no print dialog). The zoom and print buttons
  // are left out; a base-map tile that cannot be read is left blank. The sheet carries data-pdf="made" when saved.
  async function downloadPdf(frame) {
    var c = frame.choices, sheet = frame.sheet;
    frame.dataset.pdf = "making";
    UI.flash(WORDS.making);
    await Promise.all([loadPrintLibraries(), drawn(frame.map)]);
    var image = await window.htmlToImage.toPng(sheet, {
      pixelRatio: 2, backgroundColor: "#ffffff", cacheBust: false,
      imagePlaceholder: "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==",
      filter: function (node) {
        return !(node.classList && (node.classList.contains("map-print-control") || node.classList.contains("leaflet-control-zoom")));
      },
    });
    var doc = new window.jspdf.jsPDF({ orientation: c.landscape ? "landscape" : "portrait", unit: "mm", format: c.paper.toLowerCase() });
    doc.setProperties({ title: c.title, creator: WORDS.baseSource });
    doc.addImage(image, "PNG", MARGIN, MARGIN, c.width, c.height);
    doc.save(fileName(c.title));
    frame.dataset.pdf = "made";
  }

  // Resolves once the map in its new size has drawn: the next frames, and the base map's tiles (at most 5 s).
  function drawn(map) {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { requestAnimationFrame(function () {
        var tiles = map.kit.tiles;
        if (!tiles || !tiles.isLoading()) { resolve(); return; }
        var timer = setTimeout(resolve, 5000);
        tiles.once("load", function () { clearTimeout(timer); resolve(); });
      }); });
    });
  }

  async function fetchFeatures(url) {
    var features = [];
    while (url) {
      var response = await UI.get(url, { headers: { Accept: "application/json" } });
      if (!response.ok) { throw new Error(url + " answered " + response.status); }
      var page = await response.json();
      features = features.concat(page.features || []);
      url = page.next || null;
    }
    return { type: "FeatureCollection", features: features };
  }

  // The first view of a map page, or the view of the print sheet: set at once, not animated from the kit's opening
  // view, so that a page that says it is drawn (data-ready) is not still zooming (a click on a zoom button or a shape
  // during the animation is lost). `options` as Leaflet's fitBounds (e.g. maxZoom).
  // The bounds a page fits first are its data's: the kit keeps them (map.kit.dataBounds) so that printing refits the
  // sheet to the data, not to whatever part of it the screen showed.
  function fit(map, bounds, options) {
    var b = L.latLngBounds(bounds);
    if (map.kit && b.isValid()) { map.kit.dataBounds = b; }
    return view(map, b, options);
  }
  function view(map, bounds, options) {
    return map.fitBounds(bounds, Object.assign({ animate: false }, options || {}));
  }

  // The units of a collection in one style, each one's name on hover (and, with `map`, as a label where it fits).
  function unitLayer(collection, style, onEach, map) {
    if (map) { addLabels(map, collection); }
    return L.geoJSON(collection, {
      style: function () { return style; },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(UI.tip(feature.properties.name), { sticky: true, className: "unit-name" });
        if (onEach) { onEach(feature, layer); }
      },
    });
  }

  function addLabels(map, collection, options) { return labels(map, collection, options).addTo(map); }

  window.PlanMaps = { createMap: createMap, fit: fit, fetchFeatures: fetchFeatures, unitLayer: unitLayer, legend: legend, key: key, legendFromPage: legendFromPage, labels: addLabels,
                      printSheet: printSheet, downloadPdf: downloadPdf, words: WORDS };
})();
