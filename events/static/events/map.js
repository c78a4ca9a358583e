// Events per country on the world map (aggregated: never a single venue). The list beside it
// holds the same numbers, so the page works without JavaScript.
(function () {
  "use strict";
  var el = document.getElementById("events-map");
  if (!el || !window.L || !window.topojson) return;
  var d = el.dataset;
  var codes = JSON.parse(document.getElementById("numeric-codes").textContent);
  var counts = JSON.parse(document.getElementById("event-counts").textContent);
  var fmt = new Intl.NumberFormat(d.lang || undefined);
  var max = 1;
  Object.keys(counts).forEach(function (k) { max = Math.max(max, counts[k].n); });
  var ramp = ["#f5c3db", "#ec8fbb", "#d9559a", "#b5005b", "#5c0a3c"];
  function colour(n) {
    if (!n) return "#efedf3";
    return ramp[Math.min(ramp.length - 1, Math.floor((Math.log(1 + n) / Math.log(1 + max)) * (ramp.length - 1) + 0.5))];
  }
  el.hidden = false;
  var worldZoom = el.clientWidth > 700 ? 2 : 1;
  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 6 }).setView([20, 10], worldZoom);
  fetch(d.topoUrl).then(function (r) { return r.json(); }).then(function (topo) {
    var geo = topojson.feature(topo, topo.objects.countries);
    geo.features = geo.features.filter(function (f) { return f.id !== "010"; });
    // Rings crossing the antimeridian (Russia, Fiji) are shifted east, as on the pledge map.
    geo.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) return;
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polys.forEach(function (poly) {
        poly.forEach(function (ring) {
          var west = ring.some(function (p) { return p[0] < -150; });
          var east = ring.some(function (p) { return p[0] > 150; });
          if (west && east) ring.forEach(function (p) { if (p[0] < 0) p[0] += 360; });
        });
      });
    });
    var withEvents = L.latLngBounds([]);
    L.geoJSON(geo, {
      style: function (f) {
        var c = counts[codes[f.id]];
        return { fillColor: colour(c ? c.n : 0), weight: 0.6, color: "#ffffff", fillOpacity: 0.9 };
      },
      onEachFeature: function (f, layer) {
        var c = counts[codes[f.id]];
        if (!c) return;
        withEvents.extend(layer.getBounds());
        layer.bindTooltip(c.name + ": " + fmt.format(c.n) + " " + d.labelEvents, { sticky: true });
        layer.on("click", function () { window.location.search = "?country=" + codes[f.id]; });
      }
    }).addTo(map);
    // Frame the countries that have events when they fit closer than the world view (at most a region).
    if (withEvents.isValid() && map.getBoundsZoom(withEvents, false, L.point(48, 48)) > worldZoom) {
      map.fitBounds(withEvents, { padding: [24, 24], maxZoom: 4 });
    }
  });
})();
