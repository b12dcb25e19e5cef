/* charter-dispatch maps: draws compact layer data with shared styles; every text goes in as
   text (textContent), never as markup. Needs Leaflet (window.L). */
(function (global) {
  "use strict";
  var L = global.L;
  var SVG_NS = "http://www.w3.org/2000/svg";

  function node(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text !== undefined && text !== null && text !== "") { el.textContent = String(text); }
    return el;
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* [dlat0, dlon0, dlat1, dlon1, ...] in 1e-5 degrees -> [[lat, lon], ...]; each part of a
     multi-line continues from the last point of the part before it. */
  function decodeParts(parts) {
    var lat = 0, lon = 0;
    return parts.map(function (encoded) {
      var out = [];
      for (var i = 0; i + 1 < encoded.length; i += 2) {
        lat += encoded[i];
        lon += encoded[i + 1];
        out.push([lat / 1e5, lon / 1e5]);
      }
      return out;
    });
  }

  /* A popup card: {t: title, s: subtitle, r: [[label, value]], h: [head], b: [[cell]], n: [note]} */
  function card(spec) {
    var root = node("div", "cm-card");
    if (spec.t) { root.appendChild(node("div", "cm-card-title", spec.t)); }
    if (spec.s) { root.appendChild(node("div", "cm-card-sub", spec.s)); }
    if (spec.r && spec.r.length) {
      var rows = node("table", "cm-card-rows");
      spec.r.forEach(function (pair) {
        var tr = node("tr");
        tr.appendChild(node("th", null, pair[0]));
        tr.appendChild(node("td", null, pair[1]));
        rows.appendChild(tr);
      });
      root.appendChild(rows);
    }
    if (spec.b && spec.b.length) {
      var table = node("table", "cm-card-table");
      var head = node("tr");
      (spec.h || []).forEach(function (h) { head.appendChild(node("th", null, h)); });
      table.appendChild(head);
      spec.b.forEach(function (cells) {
        var tr = node("tr");
        cells.forEach(function (c) { tr.appendChild(node("td", null, c)); });
        table.appendChild(tr);
      });
      root.appendChild(table);
    }
    (spec.n || []).forEach(function (note) { root.appendChild(node("div", "cm-card-note", note)); });
    return root;
  }

  function bind(layer, tip, pop, sticky) {
    if (tip) {
      layer.bindTooltip(function () { return node("span", null, tip); }, { sticky: !!sticky });
    }
    if (pop) {
      layer.bindPopup(function () { return card(pop); }, {
        maxWidth: 520, minWidth: 180, autoPanPaddingTopLeft: L.point(60, 90)
      });
    }
  }

  function highlight(layer, style) {
    layer.on("mouseover", function () {
      layer.setStyle({ weight: style.weight + 3, opacity: 1 });
      layer.bringToFront();
    });
    layer.on("mouseout", function () {
      layer.setStyle({ weight: style.weight, opacity: style.opacity });
    });
  }

  function icon(symbol, badge) {
    var options = { className: "cm-ico " + symbol.c, iconSize: [symbol.w, symbol.h], html: "" };
    if (symbol.a) { options.iconAnchor = symbol.a; }
    if (badge) { options.html = node("span", "cm-badge", badge); }
    return L.divIcon(options);
  }

  var CharterMap = {
    decodeParts: decodeParts,
    card: card,
    escapeHtml: escapeHtml,

    /* {sym: [{c, w, h}], p: [[lat, lon, symbolIndex, tooltip, popup, badge]]} */
    points: function (group, data) {
      var shared = data.sym.map(function (s) { return icon(s, ""); });
      data.p.forEach(function (p) {
        var ic = p[5] ? icon(data.sym[p[2]], p[5]) : shared[p[2]];
        var marker = L.marker([p[0], p[1]], { icon: ic, keyboard: false, riseOnHover: true });
        bind(marker, p[3], p[4], false);
        group.addLayer(marker);
      });
    },

    /* {st: [style], l: [[styleIndex, [encodedPart, ...], tooltip, popup]]} */
    lines: function (group, data) {
      data.l.forEach(function (f) {
        var style = data.st[f[0]];
        var line = L.polyline(decodeParts(f[1]), style);
        if (style.interactive !== false) {
          bind(line, f[2], f[3], true);
          if (style.hl) { highlight(line, style); }
        }
        group.addLayer(line);
      });
    },

    /* {st: [style], g: [[styleIndex, [[encodedRing, ...], ...], tooltip, popup]]} */
    polygons: function (group, data) {
      data.g.forEach(function (f) {
        var rings = f[1].map(function (polygon) { return decodeParts(polygon); });
        var area = L.polygon(rings, data.st[f[0]]);
        if (data.st[f[0]].interactive !== false) { bind(area, f[2], f[3], true); }
        group.addLayer(area);
      });
    },

    /* {c: cssClass, l: [[lat, lon, text]]}: labels that never catch the mouse */
    labels: function (group, data) {
      data.l.forEach(function (l) {
        var ic = L.divIcon({ className: "cm-label " + (data.c || ""), iconSize: null, html: node("span", null, l[2]) });
        group.addLayer(L.marker([l[0], l[1]], { icon: ic, interactive: false, keyboard: false }));
      });
    },

    /* {t: title, s: [{h, items: [{k: icon|line|area, c, w, h, st, l}]}], n: [note]} */
    legend: function (map, spec) {
      var control = L.control({ position: spec.pos || "topleft" });
      control.onAdd = function () {
        var box = node("div", "cm-legend leaflet-control");
        var head = node("button", "cm-legend-head", spec.t);
        head.type = "button";
        head.setAttribute("aria-expanded", "true");
        var body = node("div", "cm-legend-body");
        head.addEventListener("click", function () {
          var open = box.classList.toggle("cm-collapsed");
          head.setAttribute("aria-expanded", open ? "false" : "true");
        });
        box.appendChild(head);
        spec.s.forEach(function (section) {
          body.appendChild(node("div", "cm-legend-section", section.h));
          section.items.forEach(function (item) {
            var row = node("div", "cm-legend-item");
            row.appendChild(swatch(item));
            row.appendChild(node("span", "cm-legend-label", item.l));
            body.appendChild(row);
          });
        });
        (spec.n || []).forEach(function (note) { body.appendChild(node("div", "cm-legend-note", note)); });
        box.appendChild(body);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      control.addTo(map);
      return control;
    },

    /* A fullscreen button using the browser's Fullscreen API (hidden where there is none). */
    fullscreen: function (map, labels) {
      var root = document.documentElement;
      if (!root.requestFullscreen) { return null; }
      var control = L.control({ position: "topleft" });
      control.onAdd = function () {
        var bar = node("div", "leaflet-bar cm-fullscreen");
        var button = node("a", "cm-fullscreen-button");
        button.href = "#";
        button.setAttribute("role", "button");
        button.title = labels.enter;
        button.setAttribute("aria-label", labels.enter);
        button.appendChild(fullscreenGlyph());
        L.DomEvent.on(button, "click", function (e) {
          L.DomEvent.preventDefault(e);
          if (document.fullscreenElement) { document.exitFullscreen(); } else { root.requestFullscreen(); }
        });
        document.addEventListener("fullscreenchange", function () {
          var on = !!document.fullscreenElement;
          button.title = on ? labels.exit : labels.enter;
          button.setAttribute("aria-label", button.title);
          bar.classList.toggle("cm-fullscreen-on", on);
          map.invalidateSize();
        });
        bar.appendChild(button);
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      };
      control.addTo(map);
      return control;
    },

    /* Title box, attribution, extent. {t, s, attribution: [text], bounds} */
    frame: function (map, spec) {
      if (spec.t) {
        var box = node("div", "cm-title");
        box.appendChild(node("div", "cm-title-main", spec.t));
        if (spec.s) { box.appendChild(node("div", "cm-title-sub", spec.s)); }
        L.DomEvent.disableClickPropagation(box);
        map.getContainer().appendChild(box);
      }
      (spec.attribution || []).forEach(function (a) { map.attributionControl.addAttribution(escapeHtml(a)); });
      L.control.scale({ imperial: false }).addTo(map);
      var container = map.getContainer();
      var detail = function () { container.classList.toggle("cm-zoom-low", map.getZoom() < spec.detailZoom); };
      map.on("zoomend", detail);
      if (spec.bounds) { map.fitBounds(spec.bounds, { padding: [24, 24] }); }
      detail();
    }
  };

  function fullscreenGlyph() {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", "M3 8V3h5M12 3h5v5M17 12v5h-5M8 17H3v-5");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    svg.appendChild(path);
    return svg;
  }

  function swatch(item) {
    if (item.k === "icon") {
      var holder = node("span", "cm-legend-swatch");
      var ico = node("span", "cm-ico " + item.c);
      ico.style.width = item.w + "px";
      ico.style.height = item.h + "px";
      if (item.b) { ico.appendChild(node("span", "cm-badge", item.b)); }
      holder.appendChild(ico);
      return holder;
    }
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "cm-legend-swatch");
    svg.setAttribute("width", "30");
    svg.setAttribute("height", "16");
    var st = item.st;
    var shape;
    if (item.k === "area") {
      shape = document.createElementNS(SVG_NS, "rect");
      shape.setAttribute("x", "3"); shape.setAttribute("y", "2");
      shape.setAttribute("width", "24"); shape.setAttribute("height", "12");
      shape.setAttribute("fill", st.fillColor || "none");
      shape.setAttribute("fill-opacity", String(st.fillOpacity === undefined ? 0.2 : st.fillOpacity));
    } else {
      shape = document.createElementNS(SVG_NS, "line");
      shape.setAttribute("x1", "2"); shape.setAttribute("y1", "8");
      shape.setAttribute("x2", "28"); shape.setAttribute("y2", "8");
    }
    shape.setAttribute("stroke", st.color);
    shape.setAttribute("stroke-width", String(Math.min(st.weight, 6)));
    shape.setAttribute("stroke-opacity", String(st.opacity === undefined ? 1 : st.opacity));
    if (st.dashArray) { shape.setAttribute("stroke-dasharray", st.dashArray); }
    svg.appendChild(shape);
    return svg;
  }

  global.CharterMap = CharterMap;
})(window);
