// A badge's "Copy link" and "Share" buttons. Without JavaScript they stay hidden:
// the link is in a read-only field to select, and the e-mail and LinkedIn links
// are plain links. No third-party script.
(function () {
  document.querySelectorAll("[data-badge-share]").forEach(function (box) {
    const field = box.querySelector("[data-badge-link]");
    const status = box.querySelector("[data-badge-share-status]");
    const buttons = box.querySelector("[data-badge-share-buttons]");
    const copy = box.querySelector("[data-badge-copy]");
    const share = box.querySelector("[data-badge-native-share]");

    function say(message) {
      // Emptied first, so that saying the same thing twice is announced twice.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }

    let any = false;
    if (navigator.clipboard && window.isSecureContext) {
      any = true;
      copy.hidden = false;
      copy.addEventListener("click", async function () {
        try {
          await navigator.clipboard.writeText(field.value);
          say(copy.dataset.done);
        } catch (error) {
          field.focus();
          field.select();
          say(copy.dataset.failed);
        }
      });
    } else {
      copy.remove();
    }
    if (navigator.share) {
      any = true;
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator
          .share({ title: share.dataset.title, url: field.value })
          .catch(function () {}); // closed by the person: nothing to say
      });
    } else {
      share.remove();
    }
    buttons.hidden = !any;
  });
})();
