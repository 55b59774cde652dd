// Reading time: a heartbeat every 30 s while the page is visible and the learner is active.
// The server caps the time per module, so a forgotten tab does not count for hours.
(function () {
  "use strict";
  var article = document.querySelector("[data-heartbeat-url]");
  var tokenTag = document.querySelector('meta[name="csrf-token"]');
  if (!article || !tokenTag || !window.fetch) { return; }
  var url = article.getAttribute("data-heartbeat-url");
  var lastActivity = Date.now();
  var IDLE_LIMIT = 120000;
  ["scroll", "keydown", "pointerdown", "touchstart", "mousemove"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });
  setInterval(function () {
    if (document.visibilityState !== "visible" || Date.now() - lastActivity > IDLE_LIMIT) { return; }
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": tokenTag.getAttribute("content") }
    }).catch(function () { /* offline: try again at the next beat */ });
  }, 30000);
})();
