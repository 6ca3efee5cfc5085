/* Call form, progressive enhancement: show the running total of the criteria weights and of the
   payment tranches while the admin types. The server checks the same totals; without JavaScript
   nothing is lost. */
(function () {
  "use strict";

  function parse(text) {
    var cleaned = (text || "").replace(/\s|%/g, "").replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(cleaned)) { return null; }
    return Math.round(parseFloat(cleaned) * 100); /* hundredths, so the sum is exact */
  }

  function format(hundredths) {
    var whole = Math.floor(hundredths / 100), rest = hundredths % 100;
    return rest ? whole + "," + (rest < 10 ? "0" + rest : String(rest)).replace(/0$/, "") : String(whole);
  }

  function setUp(list) {
    var suffix = list.getAttribute("data-total"); /* 'weight' or 'percent' */
    var name = list.id.replace(/-list$/, "");
    var output = document.getElementById(name + "-total");
    if (!output) { return; }
    var line = output.parentNode;
    function update() {
      var total = 0;
      var rows = list.querySelectorAll("fieldset.row");
      Array.prototype.forEach.call(rows, function (row) {
        var input = row.querySelector("input[name$='-" + suffix + "']");
        var remove = row.querySelector("input[name$='-delete']");
        if (!input || (remove && remove.checked)) { return; }
        var value = parse(input.value);
        if (value !== null) { total += value; }
      });
      output.textContent = format(total) + (suffix === "percent" ? "%" : "") + (total === 10000 ? " \u2714" : " (moet 100 zijn)");
      line.classList.toggle("total-off", total !== 10000 && total !== 0);
    }
    line.hidden = false;
    line.setAttribute("aria-live", "polite");
    list.addEventListener("input", update);
    list.addEventListener("change", update);
    update();
  }

  /* The jury and the criteria belong to a competitive call: follow the choice of selection. */
  function followSelection() {
    var radios = document.querySelectorAll("input[name='selection_mode']");
    if (!radios.length) { return; }
    function update() {
      var chosen = document.querySelector("input[name='selection_mode']:checked");
      var signUp = chosen && chosen.value === "sign_up";
      Array.prototype.forEach.call(document.querySelectorAll(".competitive-only"), function (part) {
        part.hidden = signUp && !part.hasAttribute("data-errors");  /* a message is never hidden */
      });
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset.rows[data-total]"), setUp);
    followSelection();
  });
}());
