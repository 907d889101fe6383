// Onboarding path editing: each step shows only the fields of its kind (a course
// for "take a course", a document for "read and accept"...). The kind select
// carries {kind: [fields]}; the fields' panels carry data-step-field.
(function () {
  "use strict";

  function fit(select) {
    var fields = JSON.parse(select.dataset.stepKindFields || "{}");
    var own = fields[select.value] || [];
    var step = select.closest("[data-inline-panel-child]") || select.form;
    if (!step) return;
    step.querySelectorAll("[data-step-field]").forEach(function (panel) {
      panel.hidden = own.indexOf(panel.dataset.stepField) === -1;
    });
  }

  function fitAll(root) {
    root.querySelectorAll("select[data-step-kind-fields]").forEach(fit);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-step-kind-fields]")) {
      fit(event.target);
    }
  });
  // Steps added with "Add step" arrive later.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) fitAll(node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { fitAll(document); });
  } else {
    fitAll(document);
  }
})();
