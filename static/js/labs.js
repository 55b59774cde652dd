/* Labs, progressive enhancement: live hints while writing a card, dots left while voting. */
(function () {
  "use strict";

  function liveHints(form) {
    var textarea = form.querySelector("textarea[name='text']");
    var box = form.querySelector(".lab-live");
    var url = form.getAttribute("data-check-url");
    var csrf = document.querySelector("meta[name='csrf-token']");
    if (!textarea || !box || !url || !window.fetch) { return; }
    var warnings = box.querySelector(".lab-live-warnings");
    var similarBox = box.querySelector(".lab-live-similar");
    var list = similarBox.querySelector("ul");
    var timer = null;
    var shownFor = null;

    function render(data, text) {
      warnings.textContent = "";
      list.textContent = "";
      (data.warnings || []).forEach(function (message) {
        var p = document.createElement("p");
        p.className = "notice notice-error";
        p.textContent = message;
        warnings.appendChild(p);
      });
      (data.similar || []).forEach(function (card) {
        var li = document.createElement("li");
        var text = document.createElement("p");
        text.textContent = card.kind + ": " + card.text;
        // A button of the card form itself, sent to the card's +1 address (no nested form).
        var support = document.createElement("button");
        support.type = "submit";
        support.className = "small-button";
        support.name = "support";
        support.value = "1";
        support.setAttribute("formaction", card.support_url);
        support.setAttribute("formnovalidate", "");
        support.textContent = similarBox.getAttribute("data-support-label") || "+1";
        li.appendChild(text);
        li.appendChild(support);
        list.appendChild(li);
      });
      similarBox.hidden = !(data.similar || []).length;
      box.hidden = !(data.similar || []).length && !(data.warnings || []).length;
      shownFor = (data.similar || []).length ? text : null;
    }

    function check() {
      var text = textarea.value;
      if (text.trim().length < 8) { box.hidden = true; shownFor = null; return; }
      var body = new URLSearchParams();
      body.append("testo", text);
      fetch(url, {
        method: "POST",
        body: body,
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && textarea.value === text) { render(data, text); } })
        .catch(function () { /* hints are a help only: the server checks again on submit */ });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 400);
    });
    form.addEventListener("submit", function () {
      // The similar cards were shown while typing: the server need not ask again.
      var confirmed = form.querySelector("input[name='confirmed']");
      if (confirmed && !confirmed.value && shownFor === textarea.value) { confirmed.value = "similar"; }
    });
  }

  function dotsLeft(form) {
    var total = parseInt(form.getAttribute("data-total"), 10);
    var note = form.querySelector(".dots-left");
    if (!note || isNaN(total)) { return; }
    function update() {
      var used = 0;
      form.querySelectorAll("input[type='radio']:checked").forEach(function (input) {
        used += parseInt(input.value, 10) || 0;
      });
      var left = total - used;
      var template = left < 0 ? note.getAttribute("data-template-over")
        : left === 1 ? note.getAttribute("data-template-one")
          : note.getAttribute("data-template-many");
      note.textContent = template.replace("NUM", String(Math.abs(left)));
      note.classList.toggle("is-over", left < 0);
    }
    form.addEventListener("change", update);
  }

  document.querySelectorAll("form.lab-card-form").forEach(liveHints);
  document.querySelectorAll("form.lab-vote-form").forEach(dotsLeft);
})();
