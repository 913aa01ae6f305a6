// Client-side search over titles and names: the site's only script. It loads the
// JSON index named by its data-index attribute ([[text, path, kind, detail], ...]) and
// lists the entries that contain every word of the query (case and accents ignored).
(function () {
  "use strict";
  var script = document.currentScript;
  var indexUrl = script.getAttribute("data-index");
  var root = indexUrl.slice(0, indexUrl.length - "search.json".length);
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var MAX = 100;
  var entries = null;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function show(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = entries.length + " titles and names indexed."; return; }
    var found = 0;
    for (var i = 0; i < entries.length && found < MAX; i++) {
      var e = entries[i];
      if (words.every(function (w) { return e.key.indexOf(w) !== -1; })) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + e.path;
        a.textContent = e.text;
        li.appendChild(a);
        var small = document.createElement("small");
        small.textContent = " (" + e.kind + (e.detail ? ", " + e.detail : "") + ")";
        li.appendChild(small);
        list.appendChild(li);
        found++;
      }
    }
    status.textContent = found === 0 ? "Nothing found." : (found === MAX ? "First " + MAX + " matches." : found + " found.");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (entries) { show(input.value); history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); }
  });
  input.addEventListener("input", function () { if (entries) { show(input.value); } });
  status.textContent = "Loading the index…";
  fetch(indexUrl).then(function (response) {
    if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
    return response.json();
  }).then(function (data) {
    entries = data.map(function (d) { return { text: d[0], path: d[1], kind: d[2], detail: d[3], key: fold(d[0]) }; });
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    show(query);
  }).catch(function (error) { status.textContent = "The search index could not be loaded: " + error.message; });
})();
