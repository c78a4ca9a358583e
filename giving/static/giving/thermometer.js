// The live thermometer: poll the campaign's small JSON endpoint and update the figures in place.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  function refresh() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var total = box.querySelector("[data-field=total]");
        if (total) total.textContent = data.total;
        var bar = box.querySelector("[data-field=bar]");
        if (bar) bar.style.width = data.percent + "%";
        var meter = box.querySelector("[role=progressbar]");
        if (meter) meter.setAttribute("aria-valuenow", data.percent);
        (data.offer_rows || []).forEach(function (offer) {
          var card = document.querySelector('[data-offer="' + offer.id + '"]');
          if (!card) return;
          var text = card.querySelector("[data-field=progress]");
          if (text) text.textContent = offer.progress_text;
          var offerBar = card.querySelector("[data-field=bar]");
          if (offerBar) offerBar.style.width = offer.percent + "%";
        });
      })
      .catch(function () {});
  }
  var seconds = parseInt(box.getAttribute("data-poll-seconds"), 10) || 15;
  setInterval(function () { if (!document.hidden) refresh(); }, Math.max(1, seconds) * 1000);
})();
