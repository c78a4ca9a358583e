// The Commitments map: a choropleth of confirmed pledges per country, and
// aggregated cells when zoomed in. Everything shown is also in the table.
(function () {
  "use strict";
  var el = document.getElementById("commitments-map");
  if (!el || !window.L || !window.topojson) return;
  var d = el.dataset;
  var codes = JSON.parse(document.getElementById("numeric-codes").textContent);
  var fmt = new Intl.NumberFormat(d.lang || undefined);
  var fmt1 = new Intl.NumberFormat(d.lang || undefined, { maximumFractionDigits: 1 });
  var stats = {};
  var mode = "count";
  var countriesLayer = null;
  var cellsLayer = null;
  var etag = null;

  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 10, zoomSnap: 1 }).setView([20, 10], 2);
  if (d.tileUrl) L.tileLayer(d.tileUrl, { maxZoom: 10 }).addTo(map);
  else el.classList.add("no-tiles");

  var ramp = ["#fbe9f2", "#f5c3db", "#ec8fbb", "#d9559a", "#b5005b", "#8a0046", "#5c0a3c"];
  function value(code) {
    var c = stats[code];
    if (!c) return 0;
    return mode === "count" ? c.count : c.per_million_men || 0;
  }
  var maxValue = 1;
  function colour(v) {
    if (!v) return "#efedf3";
    var t = Math.log(1 + v) / Math.log(1 + maxValue);
    return ramp[Math.min(ramp.length - 1, Math.floor(t * (ramp.length - 1) + 0.5))];
  }
  function style(feature) {
    return { fillColor: colour(value(feature.properties.code)), weight: 0.6, color: "#ffffff", fillOpacity: 0.9 };
  }
  function label(feature) {
    var c = stats[feature.properties.code];
    var name = (c && c.name) || feature.properties.name;
    if (!c) return name + ": " + d.labelNone;
    var text = name + ": " + fmt.format(c.count) + " " + d.labelPledges;
    if (c.per_million_men !== null) text += " · " + fmt1.format(c.per_million_men) + " " + d.labelPerMillion;
    return text;
  }
  function restyle() {
    maxValue = 1;
    Object.keys(stats).forEach(function (k) { maxValue = Math.max(maxValue, value(k)); });
    if (countriesLayer) countriesLayer.setStyle(style);
  }

  function loadStats() {
    // Country names come in the page's language, whatever the browser's own preference.
    var headers = { "Accept-Language": d.lang || "en" };
    if (etag) headers["If-None-Match"] = etag;
    return fetch(d.statsUrl, { headers: headers, credentials: "omit" }).then(function (r) {
      if (r.status === 304 || !r.ok) return null;
      etag = r.headers.get("ETag");
      return r.json();
    }).then(function (data) {
      if (!data) return;
      stats = {};
      data.countries.forEach(function (c) { stats[c.code] = c; });
      document.querySelectorAll("[data-pledge-total]").forEach(function (n) { n.textContent = fmt.format(data.total); });
      document.querySelectorAll("[data-actions-total]").forEach(function (n) { n.textContent = fmt.format(data.actions); });
      restyle();
      updateTable(data.countries);
    }).catch(function () {});
  }

  // The table under the map (the same figures, for everyone) follows the counts too.
  function updateTable(list) {
    var body = document.querySelector("[data-country-rows]");
    if (!body) return;
    var limit = parseInt(body.dataset.limit, 10) || 20;
    var rows = document.createDocumentFragment();
    list.slice(0, limit).forEach(function (c) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = c.name;
      var count = document.createElement("td");
      count.textContent = fmt.format(c.count);
      var perMillion = document.createElement("td");
      perMillion.textContent = c.per_million_men === null ? body.dataset.none : fmt1.format(c.per_million_men);
      tr.appendChild(th);
      tr.appendChild(count);
      tr.appendChild(perMillion);
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
  }

  function loadCells() {
    var z = map.getZoom();
    if (z < 3) {
      if (cellsLayer) { map.removeLayer(cellsLayer); cellsLayer = null; }
      return;
    }
    var b = map.getBounds();
    function lat(v) { return Math.max(-90, Math.min(90, v)).toFixed(1); }
    // Leaflet's longitudes run past 180 on a panned world; wrapped back, a west edge east of the
    // east edge is a box across the antimeridian, which the API takes as such (RFC 7946, 5.2).
    function lng(v) { return ((((v + 180) % 360) + 360) % 360 - 180).toFixed(1); }
    var whole = b.getEast() - b.getWest() >= 360;
    var bbox = [whole ? "-180" : lng(b.getWest()), lat(b.getSouth()), whole ? "180" : lng(b.getEast()), lat(b.getNorth())].join(",");
    fetch(d.cellsUrl + "?zoom=" + z + "&bbox=" + bbox, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (geo) {
      if (!geo) return;
      if (cellsLayer) map.removeLayer(cellsLayer);
      var centreLng = map.getCenter().lng;
      cellsLayer = L.geoJSON(geo, {
        pointToLayer: function (f, latlng) {
          // Drawn on the copy of the world in view: 175 W is 185 E when the map is centred near 180.
          var shift = 360 * Math.round((centreLng - latlng.lng) / 360);
          return L.circleMarker(L.latLng(latlng.lat, latlng.lng + shift), { radius: 4 + Math.sqrt(f.properties.count) / 2, color: "#5c0a3c", weight: 1, fillColor: "#b5005b", fillOpacity: 0.55 });
        },
        onEachFeature: function (f, layer) { layer.bindTooltip(fmt.format(f.properties.count) + " " + d.labelCell); }
      }).addTo(map);
    }).catch(function () {});
  }

  fetch(d.topoUrl).then(function (r) { return r.json(); }).then(function (topo) {
    var geo = topojson.feature(topo, topo.objects.countries);
    // Antarctica has no pledgers; rings crossing the antimeridian (Russia, Fiji) are
    // shifted east so they do not draw a band across the whole map.
    geo.features = geo.features.filter(function (f) { return f.id !== "010"; });
    function unwrap(ring) {
      var west = ring.some(function (p) { return p[0] < -150; });
      var east = ring.some(function (p) { return p[0] > 150; });
      if (west && east) ring.forEach(function (p) { if (p[0] < 0) p[0] += 360; });
    }
    geo.features.forEach(function (f) {
      f.properties.code = codes[f.id] || null;
      var g = f.geometry;
      if (!g) return;
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polys.forEach(function (poly) { poly.forEach(unwrap); });
    });
    countriesLayer = L.geoJSON(geo, {
      style: style,
      onEachFeature: function (f, layer) { layer.bindTooltip(function () { return label(f); }, { sticky: true }); }
    }).addTo(map);
    countriesLayer.bringToBack();
    restyle();
  });

  var toggle = document.querySelector("[data-map-toggle]");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("change", function (e) { mode = e.target.value === "per_million" ? "per_million" : "count"; restyle(); });
  }
  map.on("moveend", loadCells);
  loadStats();
  var every = Math.max(3, parseInt(d.pollSeconds, 10) || 5) * 1000;
  setInterval(function () { if (!document.hidden) { loadStats(); loadCells(); } }, every);
})();
