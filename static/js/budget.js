/* Budget planner, enhanced: live monthly totals per category and a button to add free lines.
   Without this script the form posts and the server computes everything. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-budget-form]");
  if (!form) {
    return;
  }
  var locale = form.getAttribute("data-locale") === "en" ? "en-GB" : "it-IT";
  var money = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" });
  var perMonth = { weekly: 52 / 12, monthly: 1, bimonthly: 1 / 2, quarterly: 1 / 3, "half-yearly": 1 / 6, yearly: 1 / 12 };
  var ROW = /^(incomes|expenses)-(\d+)-([a-z_]+)$/;

  // Plain numbers only, as the server reads them: "1500", "1500,50", "1500.5".
  function amountOf(text) {
    var value = String(text || "").trim();
    if (!/^\d+([.,]\d+)?$/.test(value)) {
      return 0;
    }
    return parseFloat(value.replace(",", "."));
  }

  function monthly(row) {
    var amount = row.querySelector("[data-amount]");
    var frequency = row.querySelector("select[name$='-frequency']");
    return amountOf(amount && amount.value) * (perMonth[frequency ? frequency.value : "monthly"] || 1);
  }

  function refreshTotals() {
    form.querySelectorAll("details.bp-section").forEach(function (section) {
      var total = 0;
      section.querySelectorAll(".bp-row").forEach(function (row) { total += monthly(row); });
      var summary = section.querySelector("summary");
      var slot = summary.querySelector(".bp-sum");
      if (!slot) {
        slot = document.createElement("span");
        slot.className = "bp-sum";
        summary.appendChild(slot);
      }
      slot.textContent = total > 0 ? money.format(total) + " " + (form.getAttribute("data-per-month") || "") : "";
    });
  }

  function nextIndex(kind) {
    var highest = -1;
    form.querySelectorAll("[name^='" + kind + "-']").forEach(function (input) {
      var match = ROW.exec(input.name);
      if (match) {
        highest = Math.max(highest, parseInt(match[2], 10));
      }
    });
    return highest + 1;
  }

  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = button.parentNode.querySelectorAll(".bp-free");
      var template = rows[rows.length - 1];
      var kind = button.getAttribute("data-add-row");
      var index = nextIndex(kind);
      var copy = template.cloneNode(true);
      copy.querySelectorAll("[name], [id], [for], [aria-describedby], [data-error-for]").forEach(function (node) {
        ["name", "id", "for", "aria-describedby", "data-error-for"].forEach(function (attribute) {
          var value = node.getAttribute(attribute);
          if (value) {
            node.setAttribute(attribute, value.replace(/(incomes|expenses)-\d+-/g, kind + "-" + index + "-"));
          }
        });
        if (node.tagName === "INPUT" && node.type !== "hidden") {
          node.value = "";
        }
        node.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll(".field-error").forEach(function (slot) { slot.hidden = true; slot.textContent = ""; });
      var label = copy.querySelector(".bp-label");
      if (label) {
        label.textContent = label.textContent.replace(/\d+\s*$/, String(rows.length + 1));
      }
      template.parentNode.insertBefore(copy, template.nextSibling);
      var first = copy.querySelector("input[type=text]");
      if (first) {
        first.focus();
      }
    });
  });

  form.addEventListener("input", refreshTotals);
  form.addEventListener("change", refreshTotals);
})();
