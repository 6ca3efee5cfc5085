/* Automatic saving of the score sheet (progressive enhancement: without JavaScript the buttons save).
   A fetch POST to the form's own address with its CSRF token and the header X-Requested-With: fetch;
   the server answers JSON ({"ok", "version", "message": "opgeslagen om 14:02"}) and checks everything
   again. A stale save (the sheet was saved in another tab) stops the automatic saving and offers the
   page that shows both versions. Messages come translated from the form's data-msg-* attributes. */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
  var status = document.getElementById("save-status");
  var version = form.querySelector("input[name='version']");
  var DELAY = 1500;
  // Not form.action: the buttons named "action" shadow that property.
  var address = form.getAttribute("action") || window.location.href;
  var timer = null, saving = false, again = false, stopped = false, submitAfter = null;

  function msg(name, fallback) { return form.getAttribute("data-msg-" + name) || fallback; }

  function content() {
    // What the juror typed, without the version and the token: a save only when this changed.
    var parts = [];
    new FormData(form).forEach(function (value, key) {
      if (key !== "version" && key !== "csrf_token") { parts.push(key + "=" + value); }
    });
    return parts.join("&");
  }
  var saved = content();

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("save-error", !!isError);
  }

  function clearErrors() {
    form.querySelectorAll("[data-autosave-error]").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[data-autosave-invalid]").forEach(function (input) {
      input.setAttribute("aria-invalid", "false");
      input.removeAttribute("data-autosave-invalid");
    });
  }

  function showErrors(errors) {
    clearErrors();
    Object.keys(errors).forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) { return; }
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("data-autosave-invalid", "1");
      var note = document.createElement("p");
      note.className = "error";
      note.setAttribute("data-autosave-error", "1");
      note.textContent = errors[id];
      input.insertAdjacentElement("afterend", note);
    });
  }

  function offerBothVersions() {
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "action";
    button.value = "save";
    button.textContent = msg("both", "Toon beide versies");
    status.appendChild(document.createTextNode(" "));
    status.appendChild(button);
  }

  function finish() {
    saving = false;
    if (submitAfter) {
      var button = submitAfter;
      submitAfter = null;
      stopped = true;
      if (form.requestSubmit) { form.requestSubmit(button); } else { form.submit(); }
      return;
    }
    if (again) { again = false; schedule(); }
  }

  function save() {
    if (stopped) { return; }
    var now = content();
    if (now === saved) { return; }
    if (saving) { again = true; return; }
    saving = true;
    var body = new FormData(form);
    body.append("action", "save");
    say(msg("saving", "Bezig met opslaan\u2026"));
    fetch(address, {method: "POST", body: body, credentials: "same-origin",
                        headers: {"X-Requested-With": "fetch", "Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) { return {code: response.status, data: data}; },
                                    function () { return {code: response.status, data: null}; });
      })
      .then(function (result) {
        var data = result.data;
        if (data && data.ok) {
          version.value = data.version;
          saved = now;
          clearErrors();
          say(data.message);
        } else if (result.code === 409) {
          stopped = true;
          submitAfter = null;
          say((data && data.message) || msg("conflict", "Niet opgeslagen: elders bewaard."), true);
          offerBothVersions();
        } else if (data && data.errors) {
          say(data.message, true);
          showErrors(data.errors);
        } else {
          say((data && data.message) || msg("failed", "Niet opgeslagen. Bewaar met de knop."), true);
        }
        finish();
      }, function () {
        say(msg("offline", "Niet opgeslagen: geen verbinding. Uw invoer staat nog in het formulier."), true);
        finish();
      });
  }

  function schedule() {
    if (stopped) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (saving && !stopped) {
      // An automatic save is on its way: send this one after it, with the version it returns.
      event.preventDefault();
      submitAfter = event.submitter || null;
      return;
    }
    stopped = true;
  });
}());
