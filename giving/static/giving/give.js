// Show the one-off or the monthly amounts as the donor switches; without JavaScript the
// server renders the right set from ?frequency=.
(function () {
  "use strict";
  var form = document.querySelector(".give-form");
  if (!form) return;
  function sync() {
    var checked = form.querySelector("input[name=frequency]:checked");
    var value = checked ? checked.value : "one_off";
    form.querySelectorAll(".amount-set").forEach(function (set) {
      var on = set.getAttribute("data-for") === value;
      set.hidden = !on;
      set.querySelectorAll("input").forEach(function (input) { input.disabled = !on; if (!on) input.checked = false; });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "frequency") sync();
    if (event.target.name === "amount") { var other = form.querySelector("#id_other_amount"); if (other) other.value = ""; }
  });
  var other = form.querySelector("#id_other_amount");
  if (other) other.addEventListener("input", function () {
    if (other.value) form.querySelectorAll("input[name=amount]").forEach(function (i) { i.checked = false; });
  });
  sync();
})();
