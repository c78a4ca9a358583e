// Progressive enhancement for the story pages: quote counter, resumable video
// upload (tus), and live media processing states. Every message comes from the
// template (data-* attributes), none is written here.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Quote counter: "n of 280 characters", updated as the partner types.
  var quote = document.getElementById("id_quote");
  var counter = document.getElementById("quote-counter");
  if (quote && counter) {
    var update = function () {
      var n = Array.from(quote.value).length;
      counter.textContent = counter.dataset.template.replace("{n}", n);
      counter.classList.toggle("over", n > 280);
    };
    quote.addEventListener("input", update);
    update();
  }

  // Uploads: through tus in chunks so a weak connection can resume. Without JS
  // (or without tus support) the form posts the file normally.
  var form = document.getElementById("upload-form");
  if (form && window.tus && window.tus.isSupported) {
    var input = form.querySelector("input[type=file]");
    var box = form.querySelector(".upload-progress");
    var bar = box.querySelector(".progress");
    var fill = bar.querySelector("span");
    var status = box.querySelector(".upload-status");
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file) { return; }
      event.preventDefault();
      if (file.size > Number(form.dataset.maxSize)) { status.textContent = form.dataset.msgTooLarge; box.hidden = false; return; }
      box.hidden = false;
      status.textContent = form.dataset.msgUploading;
      var upload = new window.tus.Upload(file, {
        endpoint: form.dataset.tusEndpoint,
        chunkSize: Number(form.dataset.chunkSize) || 5 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, filetype: file.type },
        headers: { "X-CSRFToken": csrfToken(form) },
        onProgress: function (sent, total) {
          var pct = Math.floor((sent / total) * 100);
          fill.style.width = pct + "%";
          bar.setAttribute("aria-valuenow", String(pct));
          status.textContent = form.dataset.msgUploading + " " + pct + "%";
        },
        onShouldRetry: function () { status.textContent = form.dataset.msgPaused; return true; },
        onError: function (error) {
          var body = error && error.originalResponse ? error.originalResponse.getBody() : "";
          status.textContent = body || form.dataset.msgError;
        },
        onSuccess: function () {
          status.textContent = form.dataset.msgDone;
          window.location.reload();
        }
      });
      // Resume a previous upload of the same file (stored by tus in localStorage).
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
        upload.start();
      });
    });
  }

  // Processing states: poll until every file is ready or failed.
  var list = document.querySelector("[data-media-states]");
  if (list) {
    var poll = function () {
      fetch(list.dataset.mediaStates, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var busy = false;
          data.media.forEach(function (m) {
            var item = list.querySelector('[data-media-id="' + m.id + '"] [data-role=status]');
            if (item) { item.textContent = m.label + (m.failure ? " — " + m.failure : ""); }
            if (m.status === "pending" || m.status === "processing") { busy = true; }
          });
          if (busy) { window.setTimeout(poll, 3000); }
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    };
    window.setTimeout(poll, 2000);
  }
})();
