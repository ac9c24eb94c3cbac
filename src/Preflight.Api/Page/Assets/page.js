// The page at /: a plain client of the documented /v1 API (nothing private), built on the shared cards (cards.js).
(function () {
  "use strict";
  var C = window.PreflightCards;
  var KEY_STORAGE = "preflight.apiKey";
  var JOB_EXAMPLE = {
    endpoint: "video/generate",
    plan: "free",
    creditsRemaining: 10,
    request: {
      dimension: { width: 1920, height: 1080 },
      video_inputs: [{
        character: { type: "avatar", avatar_id: "Daisy-inskirt-20220818" },
        voice: { type: "text", input_text: "Hello! This is a preflight check of a whole job request.", voice_id: "2d5b0e6cf36f460aa7fc47e3eee4ba54" }
      }]
    }
  };

  var results = [];          // { entry, file?, url?, node }
  var waiting = [];          // results that arrived while other requests of the batch were still running
  var inFlight = 0;          // check requests not answered yet
  var fixAvailable = false;  // POST /v1/fix/files is in the OpenAPI document
  var pendingRetries = [];   // what to run again once an API key is given: every request answered 401, not the last

  function $(id) { return document.getElementById(id); }

  // ---- HTTP -------------------------------------------------------------------------------------------------

  function apiKey() {
    try { return sessionStorage.getItem(KEY_STORAGE); } catch (e) { return null; }
  }

  // XHR rather than fetch: only XHR reports upload progress. Resolves { status, text, json, retryAfter }; never rejects.
  function send(method, url, body, options) {
    options = options || {};
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      var key = apiKey();
      if (key) xhr.setRequestHeader("X-Api-Key", key);
      if (options.contentType) xhr.setRequestHeader("Content-Type", options.contentType);
      xhr.setRequestHeader("Accept", "application/json, application/problem+json");
      if (options.onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) options.onProgress(e.loaded, e.total); };
        xhr.upload.onload = function () { if (options.onUploaded) options.onUploaded(); };
      }
      xhr.onload = function () {
        var json = null;
        try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { json = null; }
        resolve({ status: xhr.status, json: json, retryAfter: xhr.getResponseHeader("Retry-After") });
      };
      xhr.onerror = function () { resolve({ status: 0, json: null }); };
      xhr.ontimeout = xhr.onerror;
      xhr.send(body === undefined ? null : body);
    });
  }

  // A problem (RFC 7807) or a failed request, as one readable sentence.
  function problemText(res) {
    var p = res.json && typeof res.json === "object" ? res.json : {};
    var detail = typeof p.detail === "string" ? p.detail : "";
    switch (res.status) {
      case 0: return "Could not reach the Preflight service (network error or the connection was closed). Is it still running?";
      case 401: return "An API key is needed: " + (detail || "this service only answers requests with a valid X-Api-Key.");
      case 413: return "Too large: " + (detail || "the upload is over the service's size limit.");
      case 415: return "Not accepted: " + (detail || "the service does not take this content type.");
      case 429: return "Too many requests: " + (detail || "the rate limit was reached.") +
        (res.retryAfter ? " Try again in " + res.retryAfter + " s." : "");
      case 503: return "The service is busy: " + (detail || "try again in a moment.");
      case 504: return "Timed out: " + (detail || "the request took too long.");
      default:
        return (typeof p.title === "string" && p.title ? p.title : "Error " + res.status) + (detail ? ": " + detail : "");
    }
  }

  function showMessage(text) {
    var box = $("message");
    box.textContent = text;
    box.hidden = !text;
  }

  // 401: ask for a key once, then run every request that was refused again.
  function needsKey(res, retry) {
    if (res.status !== 401) return false;
    pendingRetries.push(retry);
    var form = $("key-form");
    form.hidden = false;
    showMessage(problemText(res));
    $("api-key").focus();
    return true;
  }

  function checkQuery(extra) {
    var params = [];
    var plan = $("plan").value;
    if (plan) params.push("plan=" + encodeURIComponent(plan));
    if ($("deep").checked) params.push("deep=true");
    if ($("stage").checked) params.push("stage=true");
    var profile = $("profile");
    if (!$("profile-option").hidden && profile.value) params.push("profile=" + encodeURIComponent(profile.value));
    params.push("previews=true");
    (extra || []).forEach(function (p) { params.push(p); });
    return "?" + params.join("&");
  }

  // ---- Results ----------------------------------------------------------------------------------------------

  function render() {
    var container = $("cards");
    var ordered = results.slice().sort(function (a, b) {
      return (a.entry.verdict === "pass" ? 1 : 0) - (b.entry.verdict === "pass" ? 1 : 0);
    });
    ordered.forEach(function (r) { container.appendChild(r.node); });
    $("summary").textContent = results.length ? C.summaryText(results.map(function (r) { return r.entry; })) : "No files checked yet";
    $("clear").hidden = results.length === 0;
  }

  // Cards are placed once the whole batch has answered: failing cards go first, so placing them one by one
  // would push cards already on screen down (a layout shift). Each upload row shows its own outcome meanwhile.
  function addResults(entries, origin) {
    entries.forEach(function (entry, i) {
      var result = { entry: entry, file: origin.files ? origin.files[i] : null, url: origin.urls ? origin.urls[i] : null,
        profile: origin.report.profile, plan: origin.report.plan };
      result.node = C.card(entry);
      addFixButton(result);
      waiting.push(result);
    });
    flush();
  }

  function flush() {
    if (inFlight > 0) return;
    results = results.concat(waiting);
    waiting = [];
    render();
  }

  // Every check request goes through here, so the batch knows when it is complete.
  function check(method, url, body, options) {
    inFlight++;
    return send(method, url, body, options).then(function (res) {
      inFlight--;
      return res;
    });
  }

  // Every failing card: the service decides what a fix can do (a damaged file with no fix command may be salvaged)
  // and says why when it cannot.
  function isFixable(entry) {
    return entry.verdict === "fail";
  }

  function addFixButton(result) {
    if (!fixAvailable || !isFixable(result.entry) || !(result.file || result.url)) return;
    var area = C.el("div", "fix-area");
    var button = C.el("button", "button", "Fix");
    button.type = "button";
    button.setAttribute("aria-label", "Fix " + C.displayName(result.entry));
    var status = C.el("span", "fix-result");
    status.setAttribute("role", "status");
    button.addEventListener("click", function () { runFix(result, button, status); });
    area.appendChild(button);
    area.appendChild(status);
    result.node.querySelector(".card-body").appendChild(area);
  }

  // The fix runs under the profile and plan the card's check reported (not whatever the selectors say now);
  // `allow` lists the options given so far ("trim", "salvage"): a damaged, over-long file needs both.
  function fixQuery(result, allow) {
    var params = [];
    if (result.plan) params.push("plan=" + encodeURIComponent(result.plan));
    if (result.profile) params.push("profile=" + encodeURIComponent(result.profile));
    allow.forEach(function (option) { params.push(option + "=true"); });
    return params.length ? "?" + params.join("&") : "";
  }

  var allowLabels = {
    trim: "Fix, cutting it to the limit",
    salvage: "Fix, keeping the part that decodes"
  };

  function runFix(result, button, status, allow) {
    allow = allow || [];
    button.disabled = true;
    status.textContent = "Fixing…";
    var query = fixQuery(result, allow);
    var request;
    if (result.file) {
      var form = new FormData();
      form.append("file", result.file, result.file.name);
      request = send("POST", "/v1/fix/files" + query, form);
    } else {
      request = send("POST", "/v1/fix/urls" + query, JSON.stringify({ assets: [{ url: result.url }] }), { contentType: "application/json" });
    }
    request.then(function (res) {
      button.disabled = false;
      if (needsKey(res, function () { runFix(result, button, status, allow); })) { status.textContent = ""; return; }
      if (res.status !== 200 || !res.json || !res.json.files || !res.json.files[0]) {
        status.textContent = problemText(res);
        return;
      }
      var fix = res.json.files[0].fix || {};
      status.textContent = "";
      status.appendChild(document.createTextNode((fix.status || "unknown").replace(/_/g, " ") + ". "));
      if (fix.output) {
        var link = C.el("a", null, "Download the fixed file");
        link.href = fix.output;
        link.setAttribute("download", "");
        status.appendChild(link);
        status.appendChild(document.createTextNode(" "));
      }
      if (fix.after && fix.after.verdict) {
        status.appendChild(document.createTextNode("After: "));
        status.appendChild(C.badge(fix.after.verdict));
      }
      if (fix.reason) status.appendChild(document.createTextNode(" " + fix.reason));
      // needs_option: the option that would fix it is one click away (what is lost is said in the reason).
      if (fix.status === "needs_option" && allowLabels[fix.needs] && allow.indexOf(fix.needs) < 0) {
        var again = C.el("button", "button", allowLabels[fix.needs]);
        again.type = "button";
        again.setAttribute("aria-label", allowLabels[fix.needs] + ": " + C.displayName(result.entry));
        again.addEventListener("click", function () {
          again.remove();
          runFix(result, button, status, allow.concat([fix.needs]));
        });
        status.appendChild(document.createTextNode(" "));
        status.appendChild(again);
      }
    });
  }

  // ---- Files ------------------------------------------------------------------------------------------------

  function checkFiles(fileList) {
    showMessage("");
    Array.prototype.forEach.call(fileList, function (file) { uploadOne(file, null); });
  }

  function uploadOne(file, row) {
    if (!row) {
      row = C.el("li", "upload");
      row.appendChild(C.el("span", "upload-name", file.name));
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Upload of " + file.name);
      row.appendChild(bar);
      row.appendChild(C.el("span", "upload-state", "Uploading"));
      $("uploads").appendChild(row);
    }
    var progress = row.querySelector("progress");
    var state = row.querySelector(".upload-state");
    row.classList.remove("failed");
    var old = row.querySelector(".upload-error");
    if (old) row.removeChild(old);
    state.textContent = "Uploading";

    var form = new FormData();
    form.append("file", file, file.name);
    check("POST", "/v1/preflight/files" + checkQuery(), form, {
      onProgress: function (loaded, total) { progress.value = total ? Math.round(loaded * 100 / total) : 0; },
      onUploaded: function () { progress.value = 100; state.textContent = "Checking"; }
    }).then(function (res) {
      if (needsKey(res, function () { uploadOne(file, row); })) { state.textContent = "Needs a key"; flush(); return; }
      if (res.status === 200 && res.json && Array.isArray(res.json.files)) {
        progress.value = 100;
        var entry = res.json.files[0];
        state.textContent = entry ? (entry.verdict === "pass" ? "Passed" : "Failed check") : "Done";
        addResults(res.json.files, { report: res.json, files: res.json.files.map(function () { return file; }) });
        return;
      }
      flush();
      var text = problemText(res);
      row.classList.add("failed");
      state.textContent = "Not checked";
      row.appendChild(C.el("p", "upload-error", text));
      showMessage(file.name + ": " + text);
    });
  }

  function wireDrop() {
    var zone = $("drop");
    var input = $("files");
    input.addEventListener("change", function () {
      if (input.files && input.files.length) checkFiles(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) checkFiles(e.dataTransfer.files);
    });
    // A file dropped beside the zone must not make the browser navigate away from the page.
    window.addEventListener("dragover", function (e) { e.preventDefault(); });
    window.addEventListener("drop", function (e) { e.preventDefault(); });
  }

  // ---- URLs -------------------------------------------------------------------------------------------------

  function checkUrls() {
    showMessage("");
    var urls = $("urls").value.split(/\r?\n/).map(function (s) { return s.trim(); }).filter(function (s) { return s; });
    var status = $("urls-status");
    if (!urls.length) { status.textContent = "Enter at least one URL."; return; }
    var button = $("check-urls");
    button.disabled = true;
    status.textContent = "Checking " + urls.length + (urls.length === 1 ? " URL…" : " URLs…");
    var body = { assets: urls.map(function (u) { return { url: u }; }), deep: $("deep").checked };
    if ($("plan").value) body.plan = $("plan").value;
    check("POST", "/v1/preflight/urls" + checkQuery(), JSON.stringify(body), { contentType: "application/json" }).then(function (res) {
      button.disabled = false;
      if (needsKey(res, checkUrls)) { status.textContent = ""; flush(); return; }
      if (res.status === 200 && res.json && Array.isArray(res.json.files)) {
        status.textContent = C.summaryText(res.json.files) + ".";
        addResults(res.json.files, { report: res.json, urls: urls });
        return;
      }
      status.textContent = "Not checked.";
      showMessage(problemText(res));
      flush();
    });
  }

  // ---- Job --------------------------------------------------------------------------------------------------

  function checkJob() {
    showMessage("");
    var status = $("job-status");
    var target = $("job-result");
    var text = $("job").value;
    try { JSON.parse(text); } catch (e) {
      status.textContent = "";
      showMessage("The job is not valid JSON: " + e.message);
      return;
    }
    var button = $("check-job");
    button.disabled = true;
    status.textContent = "Checking the job…";
    send("POST", "/v1/preflight/jobs", text, { contentType: "application/json" }).then(function (res) {
      button.disabled = false;
      if (needsKey(res, checkJob)) { status.textContent = ""; return; }
      if (res.status !== 200 || !res.json) {
        status.textContent = "Not checked.";
        showMessage(problemText(res));
        return;
      }
      status.textContent = "";
      renderJob(res.json, target);
    });
  }

  function renderJob(job, target) {
    target.textContent = "";
    var box = C.el("div", "job-summary");
    box.setAttribute("data-verdict", job.verdict === "pass" ? "pass" : "fail");
    var row = C.el("div", "row");
    row.appendChild(C.badge(job.verdict));
    row.appendChild(C.el("strong", null, job.endpoint || "job"));
    row.appendChild(C.el("span", null, "plan: " + (job.plan || "any")));
    row.appendChild(C.el("span", "minimum-plan", "minimum plan: " + (job.minimumPlan || "none passes")));
    box.appendChild(row);
    var estimate = job.estimate;
    if (estimate) {
      var line = C.el("div", "row");
      var parts = [];
      if (typeof estimate.durationSeconds === "number") parts.push(estimate.durationSeconds + " s" + (estimate.durationIsEstimate ? " (estimated)" : ""));
      if (typeof estimate.credits === "number") parts.push(Number(estimate.credits.toFixed(4)) + " credits");
      line.appendChild(C.el("span", "credits", "Estimate: " + parts.join(", ")));
      box.appendChild(line);
      if (estimate.formula) box.appendChild(C.el("div", "formula", estimate.formula));
    }
    target.appendChild(box);

    var findings = job.findings || [];
    target.appendChild(C.el("h3", null, findings.length ? "Findings" : "No findings"));
    if (findings.length) {
      var list = C.el("ul", "findings");
      findings.forEach(function (f) { list.appendChild(C.findingItem(f)); });
      target.appendChild(list);
    }
    var assets = job.assets || [];
    if (assets.length) {
      target.appendChild(C.el("h3", null, "Assets"));
      var cards = C.el("div", "cards");
      C.failingFirst(assets).forEach(function (a) { cards.appendChild(C.card(a)); });
      target.appendChild(cards);
    }
  }

  // ---- Tabs, profiles, discovery, key -----------------------------------------------------------------------

  function wireTabs() {
    var tabs = Array.prototype.slice.call(document.querySelectorAll("[role=tab]"));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        $(t.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (e) {
        var next = null;
        if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
        else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
        else if (e.key === "Home") next = tabs[0];
        else if (e.key === "End") next = tabs[tabs.length - 1];
        if (next) { e.preventDefault(); select(next, true); }
      });
    });
  }

  // GET /v1/profiles: {active, profiles: [the active one], available: [{name, title, …} for every loaded profile]};
  // a bare profile or a list are understood too.
  function loadProfiles() {
    send("GET", "/v1/profiles").then(function (res) {
      if (needsKey(res, loadProfiles)) return;
      if (res.status !== 200 || !res.json) return;
      var data = res.json;
      var list = Array.isArray(data) ? data
        : Array.isArray(data.available) && data.available.length ? data.available
        : Array.isArray(data.profiles) ? data.profiles : [data];
      var profiles = list.map(function (p) { return typeof p === "string" ? { name: p } : p; })
        .filter(function (p) { return p && typeof p.name === "string" && p.name; });
      var active = typeof data.active === "string" ? data.active : profiles.length ? profiles[0].name : "";
      var select = $("profile");
      select.textContent = "";
      profiles.forEach(function (p) {
        var option = C.el("option", null, p.name);
        option.value = p.name;
        if (p.title) option.title = p.title;
        if (p.name === active) option.selected = true;
        select.appendChild(option);
      });
      $("profile-option").hidden = profiles.length < 2;
    });
  }

  function discoverFix() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/openapi/v1.json", true);
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      try {
        var doc = JSON.parse(xhr.responseText);
        fixAvailable = !!(doc && doc.paths && doc.paths["/v1/fix/files"]);
      } catch (e) { fixAvailable = false; }
      if (fixAvailable) results.forEach(addFixButton);
    };
    xhr.send();
  }

  function wireKeyForm() {
    $("key-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var key = $("api-key").value.trim();
      if (!key) return;
      try { sessionStorage.setItem(KEY_STORAGE, key); } catch (err) { /* private mode: kept for this request only */ }
      $("key-form").hidden = true;
      showMessage("");
      var retries = pendingRetries;
      pendingRetries = [];
      retries.forEach(function (retry) { retry(); });
    });
  }

  function init() {
    wireTabs();
    wireDrop();
    wireKeyForm();
    $("job").value = JSON.stringify(JOB_EXAMPLE, null, 2);
    $("reset-job").addEventListener("click", function () { $("job").value = JSON.stringify(JOB_EXAMPLE, null, 2); });
    $("check-urls").addEventListener("click", checkUrls);
    $("check-job").addEventListener("click", checkJob);
    $("clear").addEventListener("click", function () {
      results = [];
      waiting = [];
      $("cards").textContent = "";
      $("uploads").textContent = "";
      render();
      $("files").focus();
    });
    loadProfiles();
    discoverFix();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
