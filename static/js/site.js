// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("is-open", !open);
    });
    // Long words in some languages: the links take a row of their own, or fold behind the button.
    var header = document.querySelector(".site-header");
    var overflows = function () {
      return nav.scrollWidth > nav.clientWidth + 1;
    };
    var fit = function () {
      if (!header || nav.classList.contains("is-open")) return;
      header.classList.remove("is-compact", "is-wrapped");
      if (window.getComputedStyle(toggle).display !== "none") return; // already folded by the media query
      if (!overflows()) return;
      header.classList.add("is-wrapped");
      if (overflows()) {
        header.classList.remove("is-wrapped");
        header.classList.add("is-compact");
      }
    };
    fit();
    window.addEventListener("resize", fit);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
  }
  // Close the language menu with Escape, returning focus to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.lang-switcher[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });
})();
