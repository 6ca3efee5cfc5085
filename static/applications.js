/* Progressive enhancement for the application form: live totals while typing.
   The server computes and checks everything again; without JavaScript the pages work the same. */
(function () {
  "use strict";

  // Dutch amounts as people type them: 25.000,50 / 25000,50 / 25000.50 / 25.000
  function parseAmount(text) {
    var t = (text || "").replace(/\s|\u00a0|EUR|\u20ac/g, "");
    if (!t) { return 0; }
    if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(t)) { t = t.replace(/\./g, "").replace(",", "."); }
    else if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(t)) { t = t.replace(/,/g, ""); }
    else if (/^\d+,\d{1,2}$/.test(t)) { t = t.replace(",", "."); }
    else if (!/^\d+(\.\d{1,2})?$/.test(t)) { return null; }
    // work in cents to stay exact
    var parts = t.split(".");
    var cents = parseInt(parts[0], 10) * 100;
    if (parts[1]) { cents += parseInt((parts[1] + "0").slice(0, 2), 10); }
    return cents;
  }

  function formatCents(cents) {
    var sign = cents < 0 ? "-" : "";
    cents = Math.abs(cents);
    var whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var rest = String(cents % 100);
    if (rest.length < 2) { rest = "0" + rest; }
    return sign + whole + "," + rest + " EUR";
  }

  function savedCents(text) {
    var value = parseFloat(text || "0");
    return isNaN(value) ? 0 : Math.round(value * 100);
  }

  var budget = document.getElementById("budget-table");
  if (budget) {
    var output = document.getElementById("budget-total");
    var label = budget.querySelector("tfoot th");
    var update = function () {
      var total = 0, bad = false;
      budget.querySelectorAll("tbody tr").forEach(function (row) {
        var amount = row.querySelector("input[name$='-amount']");
        var remove = row.querySelector("input[name$='-remove']");
        if (!amount || (remove && remove.checked)) { return; }
        var cents = parseAmount(amount.value);
        if (cents === null) { bad = true; } else { total += cents; }
      });
      output.textContent = bad ? "?" : formatCents(total);
      if (label) { label.textContent = "Totale projectkost (nog niet bewaard)"; }
    };
    budget.addEventListener("input", update);
    budget.addEventListener("change", update);
  }

  var sum = document.getElementById("financing-sum");
  var costNode = document.getElementById("financing-cost");
  if (sum && costNode) {
    var form = sum.closest("form");
    var cost = savedCents(costNode.getAttribute("data-cost"));
    var recalc = function () {
      var total = 0, bad = false;
      form.querySelectorAll("input[name='requested_amount'], input[name='own_financial'], input[name='own_staff'], input[name$='-amount']")
        .forEach(function (input) {
          var cents = parseAmount(input.value);
          if (cents === null) { bad = true; } else { total += cents; }
        });
      sum.hidden = false;
      if (bad) { sum.textContent = "Een bedrag is nog niet geldig."; sum.classList.add("mismatch"); return; }
      var diff = total - cost;
      sum.textContent = "Subsidie en bijdragen samen: " + formatCents(total) + (diff === 0
        ? " = totale kost."
        : " (" + formatCents(Math.abs(diff)) + (diff > 0 ? " meer" : " minder") + " dan de totale kost van " + formatCents(cost) + ").");
      sum.classList.toggle("mismatch", diff !== 0);
    };
    form.addEventListener("input", recalc);
    recalc();
  }
}());
