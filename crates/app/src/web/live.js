// mediascan dashboard: follows a running scan over the API's Server-Sent Events and updates the
// page the server rendered. Every page works without this script; it only keeps one live.
(function () {
  "use strict";

  function count(n) {
    return Number(n).toLocaleString("en-US");
  }

  function duration(secs) {
    if (secs === null || secs === undefined || !isFinite(secs) || secs < 0) return "–";
    var whole = Math.round(secs), h = Math.floor(whole / 3600), m = Math.floor(whole / 60) % 60, s = whole % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    if (h === 0 && m === 0) return s + " s";
    if (h === 0) return m + " min " + two(s) + " s";
    return h + " h " + two(m) + " min";
  }

  function set(root, name, text) {
    root.querySelectorAll('[data-field="' + name + '"]').forEach(function (el) { el.textContent = text; });
  }

  function list(root, name, items, total) {
    var ul = root.querySelector('[data-list="' + name + '"]');
    if (!ul) return;
    ul.replaceChildren.apply(ul, items.map(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    set(root, name + "-total", count(total));
  }

  // The same words and numbers the server renders (web/scans.rs, `progress_text`).
  function render(root, p) {
    root.dataset.status = p.status;
    root.dataset.updates = String(Number(root.dataset.updates || "0") + 1);
    set(root, "status", p.status);
    set(root, "phase", p.phase);
    ["processed", "total_files", "succeeded", "failed", "new_files", "changed_files", "unchanged_files",
      "moved_files", "missing_files", "deferred_files"].forEach(function (key) { set(root, key, count(p[key])); });
    set(root, "files_per_sec", p.files_per_sec.toFixed(1));
    set(root, "eta", duration(p.eta_secs));
    set(root, "current_file", p.current_file || "–");
    var bar = root.querySelector("progress");
    var total = p.walk_complete ? p.total_files : p.expected_files;
    if (p.status !== "running") total = p.total_files;
    if (total === null || total === undefined) {
      bar.removeAttribute("value");
      set(root, "bar", count(p.processed) + " done of " + count(p.total_files) + " found so far (still looking)");
    } else {
      var max = Math.max(total, 1), done = Math.min(p.processed, max);
      bar.max = max;
      bar.value = done;
      set(root, "bar", count(p.processed) + " of " + count(total) + " (" + Math.floor(100 * done / max) + " %)");
    }
    list(root, "errors", p.errors.map(function (e) { return e.path + ": " + e.message; }), p.errors_total);
    list(root, "warnings", p.warnings, p.warnings_total);
    if (p.status !== "running") {
      root.querySelectorAll("[data-running-only]").forEach(function (el) { el.hidden = true; });
      // As the server writes times: `2026-11-28 19:14 UTC`.
      if (p.ended_at) set(root, "ended", new Date(p.ended_at).toISOString().slice(0, 16).replace("T", " ") + " UTC");
    }
  }

  function follow(root) {
    var source = new EventSource(root.dataset.events);
    source.addEventListener("progress", function (event) {
      var progress = JSON.parse(event.data);
      render(root, progress);
      if (progress.status !== "running") source.close();
    });
    source.addEventListener("error", function () {
      if (root.dataset.status !== "running") source.close();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-events]").forEach(function (root) {
      if (root.dataset.status === "running") follow(root);
    });
  });
})();
