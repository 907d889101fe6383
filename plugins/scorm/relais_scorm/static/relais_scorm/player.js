/* The SCORM player, on the content origin: one scorm-again API per SCO launch,
   the SCO in the frame below, the table of contents and previous/next beside it.

   What the SCO sets is kept element by element (`pending`) and sent with every
   commit; the server merges commits per element and answers which values it kept,
   so a commit that fails is simply sent again with the next one. Leaving a SCO (the
   learner's button, the package's own navigation request, closing the tab) sends
   what is left: by fetch while the page lives, by sendBeacon when it goes. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var words = JSON.parse(document.getElementById("scorm-words").textContent);
  var frame = document.getElementById("player-sco");
  var message = document.getElementById("player-message");
  var statusLine = document.getElementById("player-status");
  var toc = document.getElementById("player-toc");
  var list = document.getElementById("player-items");
  var contents = document.getElementById("player-contents");
  var previous = document.getElementById("player-previous");
  var next = document.getElementById("player-next");
  var scorm12 = config.version === "1.2";
  var session = randomId();
  var sequence = 0;
  var current = null; // {item, api, pending, terminated}
  var busy = false;
  var notified = config.completed;

  function randomId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + String(Math.random()).slice(2);
  }

  function say(text) {
    statusLine.textContent = text || "";
  }

  function show(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  function commitUrl(run) {
    return config.commitUrl + encodeURIComponent(run.item);
  }

  function payload(run) {
    sequence += 1;
    return {
      session: session,
      sequence: sequence,
      values: Object.assign({}, run.pending),
      terminated: run.terminated,
    };
  }

  function kept(run, sent) {
    // Values the server now holds leave `pending`, unless set again meanwhile.
    Object.keys(sent.values).forEach(function (element) {
      if (run.pending[element] === sent.values[element]) delete run.pending[element];
    });
  }

  function announceCompletion(answer) {
    if (answer && answer.completed && !notified) {
      notified = true;
      window.parent.postMessage({ type: "relais:activity-completed" }, "*");
    }
  }

  function createApi(run, values) {
    var sent = null;
    var settings = {
      lmsCommitUrl: commitUrl(run),
      autocommit: true,
      autocommitSeconds: 10,
      logLevel: 5,
      autoCompleteLessonStatus: true,
      terminationCommitContentType: "text/plain;charset=UTF-8",
      // scorm-again's own commit object is replaced by what the SCO set.
      requestHandler: function (_commit, metadata) {
        if (metadata && metadata.isTerminateCommit) run.terminated = true;
        sent = payload(run);
        return sent;
      },
      xhrResponseHandler: function (xhr) {
        var ok = xhr.status === 200;
        if (ok && sent) {
          kept(run, sent);
          say(words.saved);
          var reply = null;
          try {
            reply = JSON.parse(xhr.responseText);
          } catch (error) {
            /* an empty answer: nothing to announce */
          }
          if (reply) {
            announceCompletion(reply);
            // A finished part may enable the next one: Next and the contents follow.
            if (reply.outline && current === run) render(reply.outline);
          }
        } else {
          say(xhr.status === 404 ? words.expired : words.offline);
        }
        return { result: ok ? "true" : "false", errorCode: ok ? 0 : 391 };
      },
    };
    var api = scorm12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    api.loadFromFlattenedJSON(values, "");
    var setName = scorm12 ? "LMSSetValue" : "SetValue";
    var set = api[setName];
    api[setName] = function (element, value) {
      var result = set.call(api, element, value);
      if (result === "true" && element !== "adl.nav.request") {
        run.pending[element] = String(value);
      }
      return result;
    };
    api.on(scorm12 ? "LMSFinish" : "Terminate", function () {
      run.terminated = true;
      // No navigation request from the package: the learner chooses (or, with a
      // rule for it, the sequencer moves on).
      window.setTimeout(function () {
        if (current === run && !run.navigated) go("exit", null);
      }, 0);
    });
    [
      ["SequenceNext", "continue"],
      ["SequencePrevious", "previous"],
      ["SequenceChoice", "choice"],
      ["SequenceExit", "exit"],
      ["SequenceExitAll", "exitAll"],
      ["SequenceAbandon", "abandon"],
      ["SequenceAbandonAll", "abandonAll"],
      ["SequenceSuspendAll", "suspendAll"],
    ].forEach(function (pair) {
      api.on(pair[0], function (target) {
        run.navigated = true;
        window.setTimeout(function () {
          go(pair[1], typeof target === "string" && target ? target : null);
        }, 0);
      });
    });
    return api;
  }

  function unload() {
    // Blanking the frame lets the SCO run its own unload (LMSFinish, Terminate).
    return new Promise(function (resolve) {
      if (!frame.getAttribute("src") || frame.getAttribute("src") === "about:blank") {
        resolve();
        return;
      }
      var done = false;
      function finish() {
        if (!done) {
          done = true;
          resolve();
        }
      }
      frame.addEventListener("load", finish, { once: true });
      frame.src = "about:blank";
      window.setTimeout(finish, 3000);
    });
  }

  function start(launch) {
    var run = { item: launch.item, pending: {}, terminated: false, navigated: false };
    current = run;
    // The SCO left must be gone before the next one's API appears: some look the
    // API up again while unloading.
    return unload().then(function () {
      run.api = createApi(run, launch.values || {});
      delete window.API;
      delete window.API_1484_11;
      if (scorm12) window.API = run.api;
      else window.API_1484_11 = run.api;
      show("");
      frame.hidden = false;
      frame.title = launch.title;
      frame.src = config.filesUrl + launch.href;
    });
  }

  function render(outline) {
    list.textContent = "";
    outline.items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.style.marginInlineStart = item.depth * 1 + "rem";
      var label = item.title + " · " + (words[item.status] || item.status);
      if (item.choosable) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.className = "player-item";
        if (item.current) button.setAttribute("aria-current", "step");
        button.addEventListener("click", function () {
          go("choice", item.id);
        });
        entry.appendChild(button);
      } else {
        entry.textContent = label;
        entry.className = "player-item player-item--static";
      }
      entry.dataset.status = item.status;
      list.appendChild(entry);
    });
    var many = outline.items.length > 1;
    contents.hidden = !many;
    previous.hidden = !outline.previous;
    next.hidden = !outline.continue;
    if (!many) toc.hidden = true;
  }

  function answer(response, data) {
    render(data.outline);
    announceCompletion(data);
    if (data.launch) {
      start(data.launch);
    } else if (data.end) {
      current = null;
      unload().then(function () {
        frame.hidden = true;
        show(words.ended + " (" + (words[data.outline.status] || "") + ")");
      });
    } else if (response.status === 409) {
      say(words.refused);
    } else {
      toc.hidden = false;
      contents.setAttribute("aria-expanded", "true");
      say(words.choose);
    }
  }

  function go(request, target) {
    if (busy) return;
    busy = true;
    var run = current;
    var leaving = run && !run.terminated ? unload() : Promise.resolve();
    leaving
      .then(function () {
        var body = { request: request, target: target };
        var sent = null;
        if (run) {
          run.navigated = true;
          // "terminated" stays what the SCO did: one left without Terminate was
          // abandoned (the server keeps it resumable), not finished.
          sent = payload(run);
          body.commit = sent;
          run.terminated = true;
        }
        say(words.saving);
        return fetch(config.navigateUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          credentials: "omit",
        }).then(function (response) {
          if (response.status === 404) throw new Error("expired");
          return response.json().then(function (data) {
            if (run && sent) kept(run, sent);
            say("");
            answer(response, data);
          });
        });
      })
      .catch(function (error) {
        say(error && error.message === "expired" ? words.expired : words.offline);
      })
      .then(function () {
        busy = false;
      });
  }

  contents.addEventListener("click", function () {
    toc.hidden = !toc.hidden;
    contents.setAttribute("aria-expanded", String(!toc.hidden));
  });
  previous.addEventListener("click", function () {
    go("previous", null);
  });
  next.addEventListener("click", function () {
    go("continue", null);
  });

  // Closing the tab or leaving the lesson: what the SCO set last is not lost.
  window.addEventListener("pagehide", function () {
    var run = current;
    if (run && Object.keys(run.pending).length) {
      var body = JSON.stringify(payload(run));
      navigator.sendBeacon(commitUrl(run), new Blob([body], { type: "text/plain" }));
    }
  });
  window.addEventListener("online", function () {
    if (current && !current.terminated && Object.keys(current.pending).length) {
      current.api[scorm12 ? "LMSCommit" : "Commit"]("");
    }
  });

  render(config.outline);
  go(config.start, null);
})();
