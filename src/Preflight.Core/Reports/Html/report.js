// The self-contained HTML report: the embedded report JSON drawn as cards, with a "failures only" filter and a search box.
(function () {
  "use strict";
  var C = window.PreflightCards;
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var container = document.getElementById("cards");
  var failuresOnly = document.getElementById("failures-only");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");

  var items = C.failingFirst(data.files || []).map(function (file) {
    var node = C.card(file);
    container.appendChild(node);
    var words = [C.displayName(file), file.kind, file.detected && file.detected.format]
      .concat((file.findings || []).map(function (f) { return f.code + " " + f.message; }));
    return { file: file, node: node, text: words.join(" ").toLowerCase() };
  });

  function apply() {
    var query = search.value.trim().toLowerCase();
    var visible = 0;
    items.forEach(function (item) {
      var show = (!failuresOnly.checked || item.file.verdict !== "pass") && (!query || item.text.indexOf(query) >= 0);
      item.node.hidden = !show;
      if (show) visible++;
    });
    shown.textContent = "Showing " + visible + " of " + items.length;
  }

  failuresOnly.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
})();
