// Autosave of a quiz attempt. Each answer is kept on the device first (so a lost
// connection or a closed tab loses nothing), then sent; whatever the server has not
// confirmed is sent again when the connection comes back or the page reopens.
// Without this script the page still works: its buttons post the answers.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form[data-autosave]");
  if (!form) return;
  var url = form.dataset.autosave;
  var key = "relais-quiz:" + form.dataset.attempt;
  var status = document.getElementById("save-status");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var pending = load();

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function store() {
    try { localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* full: the server copy still counts */ }
  }
  function say(text) { if (status) status.textContent = text; }

  function fieldsOf(position) {
    var prefix = "q" + position, fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === prefix || name.indexOf(prefix + "-") === 0) fields.push([name, value]);
    });
    return fields;
  }

  function body(position, entry) {
    var data = new URLSearchParams();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("position", position);
    data.append("rev", entry.rev);
    entry.fields.forEach(function (field) { data.append(field[0], field[1]); });
    return data;
  }

  function send(position) {
    var entry = pending[position];
    if (!entry) return Promise.resolve();
    if (!navigator.onLine) { say(status.dataset.offline); return Promise.resolve(); }
    say(status.dataset.saving);
    return fetch(url, { method: "POST", body: body(position, entry), credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) {
          if (pending[position] && pending[position].rev === entry.rev) delete pending[position];
          store();
          if (!Object.keys(pending).length) say(status.dataset.saved);
          return;
        }
        return response.json().then(function (answer) {
          if (response.status === 409) { delete pending[position]; store(); window.location.reload(); return; }
          delete pending[position]; store();  // refused for good: retrying cannot help
          say(status.dataset.error + " " + (answer.error || response.status));
        });
      })
      .catch(function () { say(status.dataset.offline); });
  }

  function flush() { Object.keys(pending).forEach(send); }

  function changed(event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) return;
    var position = fieldset.dataset.position;
    pending[position] = { rev: Date.now(), fields: fieldsOf(position) };
    store();
    send(position);
  }

  // Answers kept here but never confirmed come back into the page, then go out.
  Object.keys(pending).forEach(function (position) {
    var fieldset = form.querySelector('fieldset[data-position="' + position + '"]');
    if (!fieldset) return;
    fieldset.querySelectorAll("input, select, textarea").forEach(function (input) {
      var values = pending[position].fields.filter(function (f) { return f[0] === input.name; })
        .map(function (f) { return f[1]; });
      if (input.type === "radio" || input.type === "checkbox") input.checked = values.indexOf(input.value) !== -1;
      else if (values.length) input.value = values[0];
    });
  });
  flush();

  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") { clearTimeout(changed.timer); changed.timer = setTimeout(function () { changed(event); }, 600); }
  });
  window.addEventListener("online", flush);
  setInterval(function () { if (Object.keys(pending).length) flush(); }, 10000);
  window.addEventListener("pagehide", function () {
    Object.keys(pending).forEach(function (position) {
      if (navigator.sendBeacon) navigator.sendBeacon(url, body(position, pending[position]));
    });
  });
  // Moving on needs the network; offline, the learner stays and nothing is lost.
  // What is kept here stays until the server confirms it (sent again on the next
  // page: the same answer, so harmless if the form post already saved it).
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) { event.preventDefault(); say(status.dataset.offline); }
  });

  var timer = document.getElementById("timer");
  if (timer) {
    var box = timer.closest("[data-remaining]");
    // Counted from the end time, not by ticks: a phone slows timers in the background.
    var end = Date.now() + 1000 * parseInt(box.dataset.remaining, 10), warned = false;
    var alert = document.getElementById("timer-alert");
    var tick = setInterval(function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      timer.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left <= 60 && !warned) { warned = true; alert.textContent = status.dataset.oneMinute; }
      if (left === 0) {
        clearInterval(tick);
        alert.textContent = status.dataset.timeUp;
        var submit = document.createElement("input");
        submit.type = "hidden"; submit.name = "action"; submit.value = "submit";
        form.appendChild(submit);
        form.submit();
      }
    }, 1000);
  }
})();
