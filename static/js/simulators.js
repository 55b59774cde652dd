/* Live simulator results: as the user types, ask the JSON API for the numbers and field
   errors, then refresh the detailed results (tables, chart) from the page itself.
   Progressive enhancement only: without this script the form submits and the server renders. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-simulator]");
  var results = document.querySelector("[data-results]");
  if (!form || !results || !window.fetch || !window.FormData) {
    return;
  }
  var locale = form.getAttribute("data-locale") === "en" ? "en-GB" : "it-IT";
  var lang = locale.slice(0, 2);
  var api = form.getAttribute("data-api");
  var ROW = /^([a-z_]+)-(\d+)-([a-z_]+)$/;
  var latest = 0;
  var timer = null;

  var money = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" });
  var formats = {
    money: function (v) { return money.format(v); },
    percent: function (v) { return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v) + "\u00a0%"; },
    percent0: function (v) { return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v) + "\u00a0%"; },
    number0: function (v) { return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v); },
    number1: function (v) { return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v); }
  };

  // The same conversion as the server: rows "<list>-<i>-<field>" become lists, empty rows go.
  function payload() {
    var body = {};
    var lists = {};
    var rowMap = {};
    new FormData(form).forEach(function (value, name) {
      var match = ROW.exec(name);
      if (!match) {
        body[name] = value;
        return;
      }
      lists[match[1]] = lists[match[1]] || {};
      lists[match[1]][match[2]] = lists[match[1]][match[2]] || {};
      lists[match[1]][match[2]][match[3]] = value;
    });
    Object.keys(lists).forEach(function (list) {
      body[list] = [];
      rowMap[list] = [];
      Object.keys(lists[list]).sort(function (a, b) { return a - b; }).forEach(function (index) {
        var row = lists[list][index];
        var filled = Object.keys(row).some(function (key) { return String(row[key]).trim() !== ""; });
        if (filled) {
          body[list].push(row);
          rowMap[list].push(index);
        }
      });
    });
    return { body: body, rowMap: rowMap };
  }

  function fieldName(key, rowMap) {
    var parts = key.split(".");
    if (parts.length === 3 && rowMap[parts[0]]) {
      return parts[0] + "-" + (rowMap[parts[0]][Number(parts[1])] || parts[1]) + "-" + parts[2];
    }
    if (parts.length === 2 && rowMap[parts[0]]) {
      return parts[0];
    }
    return key === "__all__" ? "__all__" : key;
  }

  function showErrors(errors, rowMap) {
    var shown = {};
    Object.keys(errors).forEach(function (key) {
      shown[fieldName(key, rowMap)] = errors[key];
    });
    form.querySelectorAll("[data-error-for]").forEach(function (slot) {
      var name = slot.getAttribute("data-error-for");
      var message = shown[name] || "";
      slot.textContent = message;
      slot.hidden = !message;
      var input = form.querySelector('[name="' + name + '"]');
      if (input) {
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== slot.id;
        });
        if (message) {
          input.setAttribute("aria-invalid", "true");
          described.push(slot.id);
        } else {
          input.removeAttribute("aria-invalid");
        }
        if (described.length) {
          input.setAttribute("aria-describedby", described.join(" "));
        } else {
          input.removeAttribute("aria-describedby");
        }
      }
    });
  }

  function lookup(data, path) {
    return path.split(".").reduce(function (value, key) {
      return value === undefined || value === null ? undefined : value[key];
    }, data);
  }

  function showNumbers(data) {
    results.querySelectorAll("[data-result]").forEach(function (node) {
      var path = node.getAttribute("data-result");
      var value = path ? lookup(data, path) : undefined;
      var format = formats[node.getAttribute("data-format")] || formats.money;
      if (typeof value === "number") {
        node.textContent = format(value);
      }
    });
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  // Tables, chart and explanations come from the server page, so they stay identical.
  function refreshDetails(ticket) {
    var url = form.getAttribute("action") + "?" + query();
    return fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== latest) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-results]");
        if (fresh) {
          results.innerHTML = fresh.innerHTML;
          results.classList.remove("sim-stale");
        }
        var next = doc.querySelector(".sim-next");
        var current = document.querySelector(".sim-next");
        if (next && current) {
          // The save form and the "talk to the Welfare Manager" form carry the numbers now shown.
          ["[data-save-form]", "[data-consult-form]"].forEach(function (selector) {
            var fresh = next.querySelector(selector);
            var form = current.querySelector(selector);
            if (fresh && form) {
              form.querySelectorAll("[data-input-copy]").forEach(function (node) { node.remove(); });
              fresh.querySelectorAll("[data-input-copy]").forEach(function (node) {
                form.appendChild(document.importNode(node, true));
              });
            }
          });
        }
        window.history.replaceState(null, "", url);
      });
  }

  function update() {
    latest += 1;
    var ticket = latest;
    var built = payload();
    fetch(api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
      body: JSON.stringify(built.body),
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (answer) {
        if (ticket !== latest) {
          return null;
        }
        if (answer.status === 422 || answer.status === 400) {
          showErrors(answer.data.errors || {}, built.rowMap);
          results.classList.add("sim-stale");
          return null;
        }
        showErrors({}, built.rowMap);
        showNumbers(answer.data);
        return refreshDetails(ticket);
      })
      .catch(function () {
        /* Offline or server busy: the Calculate button still works. */
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  var note = form.querySelector(".sim-live-note");
  if (note) {
    note.hidden = false;
  }
})();
