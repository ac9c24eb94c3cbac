// Preflight result cards: one card per file entry of a report. Shared by the page served at / and by the
// self-contained HTML report (`preflight check --format html`), so both show the same card.
// Only DOM APIs (textContent, setAttribute): report text is never parsed as HTML.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatBytes(bytes) {
    if (typeof bytes !== "number" || !isFinite(bytes)) return "";
    if (bytes < 1000) return bytes + " B";
    var units = ["kB", "MB", "GB", "TB"];
    var value = bytes;
    var unit = -1;
    do { value /= 1000; unit++; } while (value >= 1000 && unit < units.length - 1);
    return value.toFixed(value < 10 ? 2 : 1) + " " + units[unit] + " (" + bytes.toLocaleString("en-US") + " B)";
  }

  function formatDuration(seconds) {
    if (typeof seconds !== "number" || !isFinite(seconds)) return "";
    var whole = Math.floor(seconds);
    var m = Math.floor(whole / 60);
    var s = seconds - m * 60;
    var text = m > 0 ? m + " min " + s.toFixed(1) + " s" : s.toFixed(2) + " s";
    return text;
  }

  function extensionOf(name) {
    var clean = String(name || "").split(/[?#]/)[0];
    var slash = clean.lastIndexOf("/");
    var base = clean.substring(slash + 1);
    var dot = base.lastIndexOf(".");
    return dot > 0 ? base.substring(dot + 1).toLowerCase() : "";
  }

  function displayName(file) {
    return (file.source && file.source.url) || file.path || "";
  }

  function copyText(text, button) {
    function done(ok) {
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.textContent = ok ? "Copied" : "Select and copy";
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    try {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
        return;
      }
    } catch (e) { /* fall through */ }
    fallback();
  }

  // A line of code (a fix command, a URL) with a Copy button.
  function copyLine(text, label, kind) {
    var row = el("div", "copy-line " + (kind || ""));
    var code = el("code", "copy-text", text);
    var button = el("button", "copy", "Copy");
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.addEventListener("click", function () { copyText(text, button); });
    row.appendChild(code);
    row.appendChild(button);
    return row;
  }

  function fact(list, term, value) {
    if (value === undefined || value === null || value === "") return;
    var wrap = el("div", "fact");
    wrap.appendChild(el("dt", null, term));
    wrap.appendChild(el("dd", null, value));
    list.appendChild(wrap);
  }

  function codecs(media) {
    var parts = [];
    if (media.videoCodec) parts.push(media.videoCodec);
    if (media.audioCodec) parts.push(media.audioCodec);
    return parts.join(" + ");
  }

  function formatLine(file) {
    var ext = extensionOf(file.path || (file.source && file.source.url));
    var detected = file.detected && file.detected.format;
    if (!detected) return ext ? "unknown (named ." + ext + ")" : "unknown";
    if (!ext) return detected + " (no extension)";
    return detected + " (named ." + ext + ")";
  }

  function previewBox(file) {
    var box = el("div", "card-preview");
    var preview = file.preview;
    if (preview && typeof preview.dataUrl === "string" && preview.dataUrl.indexOf("data:image/") === 0) {
      var img = document.createElement("img");
      img.src = preview.dataUrl;
      img.alt = (preview.kind === "waveform" ? "Waveform of " : preview.kind === "frame" ? "A frame of " : "Thumbnail of ") + displayName(file);
      img.className = "preview-" + preview.kind;
      box.appendChild(img);
    } else {
      box.appendChild(el("span", "preview-none", file.kind && file.kind !== "unknown" ? file.kind : "file"));
      box.setAttribute("aria-hidden", "true");
    }
    return box;
  }

  function findingItem(finding) {
    var item = el("li", "finding " + (finding.severity || "info"));
    var head = el("div", "finding-head");
    head.appendChild(el("span", "severity " + (finding.severity || "info"), finding.severity || "info"));
    head.appendChild(el("code", "finding-code", finding.code));
    item.appendChild(head);
    item.appendChild(el("p", "finding-message", finding.message));
    if (finding.actual || finding.limit) {
      var limits = el("p", "finding-limits");
      if (finding.actual) { limits.appendChild(el("span", "label", "actual ")); limits.appendChild(el("strong", null, finding.actual)); }
      if (finding.actual && finding.limit) limits.appendChild(document.createTextNode("  ·  "));
      if (finding.limit) { limits.appendChild(el("span", "label", "limit ")); limits.appendChild(el("strong", null, finding.limit)); }
      item.appendChild(limits);
    }
    if (finding.path) item.appendChild(el("p", "finding-path", "at " + finding.path));
    if (finding.fix) item.appendChild(copyLine(finding.fix, "Copy the fix command", "fix-command"));
    return item;
  }

  function badge(verdict) {
    var pass = verdict === "pass";
    var node = el("span", "badge " + (pass ? "pass" : "fail"), pass ? "Pass" : "Fail");
    return node;
  }

  // One file entry → <article class="card" data-verdict data-name>.
  function card(file) {
    var name = displayName(file);
    var verdict = file.verdict === "pass" ? "pass" : "fail";
    var article = el("article", "card " + verdict);
    article.setAttribute("data-verdict", verdict);
    article.setAttribute("data-name", name);
    article.setAttribute("aria-label", name + ": " + (verdict === "pass" ? "passed" : "failed"));

    article.appendChild(previewBox(file));
    var body = el("div", "card-body");
    var head = el("header", "card-head");
    head.appendChild(badge(verdict));
    head.appendChild(el("h3", "card-name", name));
    body.appendChild(head);

    var facts = el("dl", "facts");
    var media = file.media || {};
    fact(facts, "Format", formatLine(file));
    fact(facts, "Size", formatBytes(file.sizeBytes));
    if (media.width && media.height) fact(facts, "Dimensions", media.width + " × " + media.height + (media.rotation ? " (rotated " + media.rotation + "°)" : ""));
    fact(facts, "Duration", formatDuration(media.durationSeconds));
    fact(facts, "Codecs", codecs(media));
    if (media.frameRate) fact(facts, "Frame rate", media.frameRate + " fps");
    if (media.sampleRate) fact(facts, "Audio", media.sampleRate + " Hz" + (media.channels ? ", " + media.channels + " ch" : ""));
    if (file.source && file.source.httpStatus) fact(facts, "HTTP", file.source.httpStatus + (file.source.contentType ? " " + file.source.contentType : ""));
    body.appendChild(facts);

    var findings = file.findings || [];
    if (findings.length) {
      var list = el("ul", "findings");
      findings.forEach(function (f) { list.appendChild(findingItem(f)); });
      body.appendChild(list);
    } else {
      body.appendChild(el("p", "no-findings", "No findings: ready to submit."));
    }

    if (file.staged && file.staged.url) {
      var staged = el("div", "staged");
      staged.appendChild(el("span", "label", "Staged at"));
      staged.appendChild(copyLine(file.staged.url, "Copy the staged URL", "staged-url"));
      body.appendChild(staged);
    }
    article.appendChild(body);
    return article;
  }

  function summaryText(files) {
    var passed = 0, failed = 0;
    files.forEach(function (f) { if (f.verdict === "pass") passed++; else failed++; });
    var total = passed + failed;
    return total + (total === 1 ? " file: " : " files: ") + passed + " passed, " + failed + " failed";
  }

  // Failing first, otherwise in the order given (Array.prototype.sort is stable).
  function failingFirst(files) {
    return files.slice().sort(function (a, b) {
      return (a.verdict === "pass" ? 1 : 0) - (b.verdict === "pass" ? 1 : 0);
    });
  }

  window.PreflightCards = {
    el: el,
    card: card,
    badge: badge,
    findingItem: findingItem,
    copyLine: copyLine,
    summaryText: summaryText,
    failingFirst: failingFirst,
    formatBytes: formatBytes,
    displayName: displayName
  };
})();
