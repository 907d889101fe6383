/* The lesson's "Full screen" button for a SCORM activity (once per page). */
(function () {
  "use strict";
  if (window.relaisScormBlock) return;
  window.relaisScormBlock = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fullscreen]");
    if (!button) return;
    var frame = document.getElementById(button.getAttribute("data-fullscreen"));
    if (frame && frame.requestFullscreen) frame.requestFullscreen();
  });
  document.querySelectorAll("[data-fullscreen]").forEach(function (button) {
    button.hidden = !document.fullscreenEnabled;  // iOS Safari: no full screen for frames
  });
})();
