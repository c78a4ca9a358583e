// Offers "use my position" on the pledge form; the position is rounded to
// 0.1 degree (about 11 km) here, before it leaves the browser.
(function () {
  "use strict";
  var form = document.querySelector(".pledge-form");
  if (!form || !navigator.geolocation) return;
  var row = form.querySelector(".geo-row");
  var button = form.querySelector("[data-geo-button]");
  var status = form.querySelector("[data-geo-status]");
  row.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (p) {
      form.querySelector("[name=lat]").value = (Math.round(p.coords.latitude * 10) / 10).toFixed(1);
      form.querySelector("[name=lng]").value = (Math.round(p.coords.longitude * 10) / 10).toFixed(1);
      status.textContent = form.dataset.geoDone;
    }, function () {
      status.textContent = form.dataset.geoDenied;
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  });
})();
