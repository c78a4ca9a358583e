// The curators' review page: switch a video between its renditions, enlarge photos in a lightbox.
(function () {
  "use strict";
  document.querySelectorAll("[data-video]").forEach(function (figure) {
    var video = figure.querySelector("video");
    figure.querySelectorAll("button[data-src]").forEach(function (button) {
      button.addEventListener("click", function () {
        var at = video.currentTime, playing = !video.paused;
        video.src = button.dataset.src;
        video.addEventListener("loadedmetadata", function once() {
          video.removeEventListener("loadedmetadata", once);
          video.currentTime = at;
          if (playing) { video.play(); }
        });
        figure.querySelectorAll("button[data-src]").forEach(function (b) {
          b.classList.toggle("is-current", b === button);
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
      });
    });
  });
  var dialog = document.querySelector(".hfs-lightbox");
  if (dialog && dialog.showModal) {
    var img = dialog.querySelector("img");
    document.querySelectorAll(".hfs-photo").forEach(function (button) {
      button.addEventListener("click", function () {
        img.src = button.dataset.large;
        dialog.showModal();
      });
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
  }
})();
