// The map of solutions: a choropleth of published solutions per country (countries under the
// minimum are folded into "other" on the server). Everything shown is also in the table.
(function () {
  "use strict";
  var el = document.getElementById("solutions-map");
  if (!el || !window.L || !window.topojson) return;
  var d = el.dataset;
  var codes = JSON.parse(document.getElementById("numeric-codes").textContent);
  var counts = JSON.parse(document.getElementById("solution-counts").textContent);
  var fmt = new Intl.NumberFormat(d.lang || undefined);
  var max = 1;
  Object.keys(counts).forEach(function (k) { if (counts[k] > max) max = counts[k]; });
  var ramp = ["#fbe9f2", "#f5c3db", "#ec8fbb", "#d9559a", "#b5005b", "#8a0046", "#5c0a3c"];
  function colour(v) {
    if (!v) return "#efedf3";
    var t = Math.log(1 + v) / Math.log(1 + max);
    return ramp[Math.min(ramp.length - 1, Math.floor(t * (ramp.length - 1) + 0.5))];
  }
  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 6 }).setView([20, 10], 2);
  if (d.tileUrl) L.tileLayer(d.tileUrl, { maxZoom: 6 }).addTo(map);
  fetch(d.shapes).then(function (r) { return r.json(); }).then(function (topo) {
    var geo = topojson.feature(topo, topo.objects.countries);
    geo.features = geo.features.filter(function (f) { return f.id !== "010"; });
    L.geoJSON(geo, {
      style: function (f) {
        var code = codes[f.id];
        return { weight: 0.6, color: "#ffffff", fillOpacity: 0.85, fillColor: colour(counts[code] || 0) };
      },
      onEachFeature: function (f, layer) {
        var code = codes[f.id];
        if (counts[code]) layer.bindTooltip((f.properties.name || code) + ": " + fmt.format(counts[code]), { sticky: true });
      }
    }).addTo(map);
  }).catch(function () {});
})();
