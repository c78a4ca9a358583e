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
      // A 4xx is the server's considered answer (wrong type, too large, not allowed):
      // retrying cannot change it, so stop and show its reason. 409 (offset moved)
      // and 423/429 (busy, slow down) are the exceptions tus itself resolves.
      var isFinal = function (error) {
        var res = error && error.originalResponse;
        var code = res ? res.getStatus() : 0;
        return code >= 400 && code < 500 && code !== 409 && code !== 423 && code !== 429;
      };
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
        onShouldRetry: function (error) {
          if (isFinal(error)) { return false; }
          status.textContent = form.dataset.msgPaused;
          return true;
        },
        onError: function (error) {
          var res = error && error.originalResponse;
          var body = res ? (res.getBody() || "").trim() : "";
          box.classList.add("is-error");
          status.textContent = body || form.dataset.msgError;
          // The stored resume point is useless after a refusal: the same file would be refused again.
          if (isFinal(error) && upload.url) { upload.abort(true).catch(function () {}); }
        },
        onSuccess: function () {
          // The bytes are in; the server processes the file in the background. Show
          // that state and its progress instead of a bar stuck at 100%.
          box.classList.add("is-processing");
          fill.style.width = "0%";
          bar.setAttribute("aria-valuenow", "0");
          status.textContent = form.dataset.msgProcessing;
          watchProcessing(function (done, m) {
            if (done) { window.location.reload(); return; }
            var pct = m && m.progress != null ? m.progress : null;
            if (pct != null) {
              fill.style.width = pct + "%";
              bar.setAttribute("aria-valuenow", String(pct));
              status.textContent = form.dataset.msgProcessing + " " + pct + "%";
            }
          });
        }
      });
      // Resume a previous upload of the same file (stored by tus in localStorage).
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
        upload.start();
      });
    });
  }

  // After an upload: poll the story's media states until nothing is pending or processing.
  function watchProcessing(report) {
    var url = form && form.dataset.mediaStates;
    if (!url) { report(true); return; }
    var tick = function () {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var busy = data.media.filter(function (m) { return m.status === "pending" || m.status === "processing"; });
          if (!busy.length) { report(true); return; }
          report(false, busy[busy.length - 1]);
          window.setTimeout(tick, 1500);
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    };
    tick();
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
