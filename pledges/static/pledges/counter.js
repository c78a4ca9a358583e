// Keeps the home page counter live by polling the public stats endpoint.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-pledge-total][data-stats-url]");
  if (!nodes.length || !window.fetch) return;
  var url = nodes[0].getAttribute("data-stats-url");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function tick() {
    if (document.hidden) return;
    fetch(url, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data) nodes.forEach(function (n) { n.textContent = fmt.format(data.total); });
    }).catch(function () {});
  }
  setInterval(tick, 5000);
})();
