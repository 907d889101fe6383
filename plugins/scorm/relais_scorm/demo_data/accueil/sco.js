/* A small SCORM 2004 SCO: pages, a quiz, resume where the learner left.
 * It finds the LMS's API_1484_11 in a parent window, as the standard says. */
(function () {
  "use strict";
  var PASS = 0.8;
  var ANSWERS = { q1: "b", q2: "a", q3: "b", q4: "a", q5: "a" };
  var pages = Array.prototype.slice.call(document.querySelectorAll(".page"));
  var last = pages.length;
  var state = { answers: {}, done: false };
  var page = 1;
  var api = findAPI(window);
  var finished = false;

  function findAPI(win) {
    for (var hops = 0; win && hops < 10; hops++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (win.parent === win) break;
      win = win.parent;
    }
    return window.opener && window.opener.API_1484_11 ? window.opener.API_1484_11 : null;
  }
  function get(name) { return api ? api.GetValue(name) : ""; }
  function set(name, value) { if (api) api.SetValue(name, String(value)); }
  function commit() { if (api) api.Commit(""); }

  function show(number, focus) {
    page = Math.max(1, Math.min(last, number));
    pages.forEach(function (section) {
      section.hidden = Number(section.dataset.page) !== page;
    });
    document.getElementById("progress").textContent = "Page " + page + " sur " + last;
    document.getElementById("previous").disabled = page === 1;
    document.getElementById("next").disabled = page >= 5;
    if (focus) pages[page - 1].querySelector("h1").focus();
    set("cmi.location", page);
    set("cmi.progress_measure", (page / last).toFixed(2));
    set("cmi.suspend_data", JSON.stringify(state));
    if (!state.done) set("cmi.completion_status", "incomplete");
    commit();
  }

  function restoreAnswers() {
    Object.keys(state.answers).forEach(function (name) {
      var input = document.querySelector('input[name="' + name + '"][value="' + state.answers[name] + '"]');
      if (input) input.checked = true;
    });
  }

  function showResult(scaled) {
    var percent = Math.round(scaled * 100);
    var passed = scaled >= PASS;
    document.getElementById("result").textContent = passed
      ? "Bravo : " + percent + " % de bonnes réponses. Vous avez les bons réflexes !"
      : percent + " % de bonnes réponses : il en faut 80 %. Relisez les pages et réessayez.";
    document.getElementById("retry").hidden = passed;
  }

  document.getElementById("previous").addEventListener("click", function () { show(page - 1, true); });
  document.getElementById("next").addEventListener("click", function () { show(page + 1, true); });
  document.getElementById("quiz").addEventListener("change", function (event) {
    state.answers[event.target.name] = event.target.value;
    set("cmi.suspend_data", JSON.stringify(state));
    commit();
  });
  document.getElementById("quiz").addEventListener("submit", function (event) {
    event.preventDefault();
    var names = Object.keys(ANSWERS);
    var error = document.getElementById("quiz-error");
    if (names.some(function (name) { return !state.answers[name]; })) {
      error.hidden = false;
      return;
    }
    error.hidden = true;
    var right = names.filter(function (name) { return state.answers[name] === ANSWERS[name]; }).length;
    var scaled = right / names.length;
    state.done = true;
    set("cmi.score.min", 0);
    set("cmi.score.max", names.length);
    set("cmi.score.raw", right);
    set("cmi.score.scaled", scaled);
    set("cmi.success_status", scaled >= PASS ? "passed" : "failed");
    set("cmi.completion_status", "completed");
    showResult(scaled);
    show(last, true);
  });
  document.getElementById("retry").addEventListener("click", function () {
    state.answers = {};
    document.getElementById("quiz").reset();
    show(5, true);
  });

  function finish() {
    if (finished || !api) return;
    finished = true;
    set("cmi.exit", "suspend");  // always resumable: the learner may come back to read
    set("cmi.suspend_data", JSON.stringify(state));
    commit();
    api.Terminate("");
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  if (api) api.Initialize("");
  var start = 1;
  if (get("cmi.entry") === "resume") {
    try { state = JSON.parse(get("cmi.suspend_data")) || state; } catch (e) { /* a fresh start */ }
    state.answers = state.answers || {};
    start = parseInt(get("cmi.location"), 10) || 1;
    restoreAnswers();
    if (state.done && get("cmi.score.scaled") !== "") showResult(Number(get("cmi.score.scaled")));
  }
  show(start, false);
})();
