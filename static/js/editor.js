// Course editor: live preview while typing and jumping to the line of a problem.
// Everything works without this script (the "Update the preview" button posts the form).
(function () {
  "use strict";
  var source = document.getElementById("source");
  if (!source) { return; }

  function goToLine(line) {
    var lines = source.value.split("\n");
    var start = 0;
    for (var i = 0; i < Math.min(line - 1, lines.length); i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    source.focus();
    source.setSelectionRange(start, end);
    var lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
    source.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".goto-line");
    if (!link) { return; }
    event.preventDefault();
    goToLine(parseInt(link.getAttribute("data-line"), 10) || 1);
  });

  var editor = document.querySelector(".editor[data-preview-url]");
  if (!editor) { return; }
  var form = document.getElementById("editor-form");
  var preview = document.getElementById("preview");
  var panel = document.getElementById("problems-panel");
  var timer = null;

  function renderProblems(errors) {
    panel.textContent = "";
    var box = document.createElement("div");
    if (!errors.length) {
      box.className = "notice notice-success";
      box.textContent = panel.getAttribute("data-ok") || "OK";
      panel.appendChild(box);
      return;
    }
    box.className = "notice notice-error problems";
    var list = document.createElement("ul");
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#source";
      link.className = "goto-line";
      link.setAttribute("data-line", error.line);
      link.textContent = (panel.getAttribute("data-line-label") || "Line") + " " + error.line;
      item.appendChild(link);
      item.appendChild(document.createTextNode(": " + error.message));
      list.appendChild(item);
    });
    box.appendChild(list);
    panel.appendChild(box);
  }

  function refresh() {
    var body = new FormData(form);
    fetch(editor.getAttribute("data-preview-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (data) {
        // The server sanitised this HTML with the same rules as the published page.
        if (typeof data.html === "string") { preview.innerHTML = data.html; }
        if (Array.isArray(data.errors)) { renderProblems(data.errors); }
      }).catch(function () { /* keep the last preview; the button still works */ });
  }

  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
})();
