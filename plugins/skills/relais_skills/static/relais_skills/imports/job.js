// Follows an import job: asks for its status every 2 s, shows the progress, and
// reloads the page (which then shows the summary or the rows to fix) once over.
// Without JavaScript, the page refreshes itself instead (<noscript> meta refresh).
(function () {
  const box = document.querySelector("[data-skills-job]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-skills-job-label]");

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        if (job.total) {
          bar.max = job.total;
          bar.value = job.done;
        }
        label.textContent = job.label;
      }
    } catch (error) {
      // The connection dropped for a moment: the next poll tries again.
    }
    window.setTimeout(poll, 2000);
  }

  window.setTimeout(poll, 2000);
})();
