// After a failed save, take keyboard and screen-reader users straight to the list of errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary && !window.location.hash) {
    summary.focus();
  }
});

/* Live checks while typing (progressive enhancement). A form with data-live-check posts what is typed
   to that address, a moment after the last keystroke; the server runs the checklist's own rules on it
   and answers with the checklist as HTML, shown in the aria-live region #live-checklist. No rule and
   no text lives here: without JavaScript the page saves and shows the checklist as before. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.querySelector("form[data-live-check]");
  var region = document.getElementById("live-checklist");
  if (!form || !region || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-live-check");
  var timer = null;
  var sent = 0;  // only the answer to the latest request is shown

  function show(answer) {
    if (typeof answer.html === "string" && region.innerHTML !== answer.html) {
      region.innerHTML = answer.html;
    }
    var total = document.getElementById("budget-total");
    var label = document.getElementById("budget-total-label");
    if (answer.valid && total && answer.total_cost) {
      total.textContent = answer.total_cost;
      if (label && answer.total_label) { label.textContent = answer.total_label; }
    }
  }

  function check() {
    var number = ++sent;
    fetch(url, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return type.indexOf("application/json") === 0 ? response.json() : null;
    }).then(function (answer) {
      if (answer && number === sent) { show(answer); }
    }).catch(function () { /* offline or signed out: the saved checklist stays, the save still works */ });
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(check, 400);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
});
