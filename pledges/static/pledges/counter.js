// Keeps the home page counter live by polling the public stats endpoint.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-pledge-total][data-stats-url]");
  if (!nodes.length || !window.fetch) return;
  var url = nodes[0].getAttribute("data-stats-url");
  // Grouped exactly as the server rendered the first number (data-separator comes from the
  // locale's own format), so the counter never changes shape when the script takes over.
  var sep = nodes[0].getAttribute("data-separator");
  var fmt = sep === null
    ? new Intl.NumberFormat(document.documentElement.lang || undefined, { numberingSystem: "latn" })
    : { format: function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep); } };
  function tick() {
    if (document.hidden) return;
    fetch(url, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data) nodes.forEach(function (n) { n.textContent = fmt.format(data.total); });
    }).catch(function () {});
  }
  setInterval(tick, 5000);
})();
