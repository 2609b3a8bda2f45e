// The cable form's device-first picker (templates/cabling/cable_form.html). The form works without it; with it:
// Enter in a hardware search searches instead of posting the form, Find searches in place, a hardware label read
// by the camera (qrscan.js) chooses that hardware, a tapped hardware's port list takes the focus, and ticking the
// same-device confirmation does not ask for the A3 verdict again (that answer redraws the box being ticked).
(function () {
  "use strict";
  const form = document.getElementById("cable-form");
  if (!form) return;
  const HARDWARE = /\/hardware\/(\d{1,18})\/?(?:[?#].*)?$/;
  let focusPorts = null;

  function search(end) {
    const input = document.getElementById(end + "-q");
    if (input && window.htmx) window.htmx.trigger(input, "search");
  }

  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key === "Enter" && field instanceof HTMLInputElement && field.classList.contains("pick-q")) {
      event.preventDefault();
      search(field.id.slice(0, 1));
    }
  });

  form.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const find = target && target.closest("button[name=find]");
    if (find && window.htmx) {
      event.preventDefault();
      search(find.value);
    }
    const picked = target && target.closest("button.pick-hw");
    if (picked) focusPorts = picked.name.replace("pick_", "");
  });

  form.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === "same_device") event.stopPropagation();
  }, true);

  form.addEventListener("htmx:afterSwap", (event) => {
    if (!focusPorts || !(event.target instanceof Element) || event.target.id !== focusPorts + "-found") return;
    const ports = document.getElementById("f-" + focusPorts + "_port_id");
    focusPorts = null;
    if (ports) ports.focus();
  });

  const video = document.getElementById("picker-video");
  form.querySelectorAll("button[data-scan-end]").forEach((button) => {
    if (!window.dcopsScan || !video) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const end = button.dataset.scanEnd;
      const status = document.getElementById(end + "-scan-status");
      const input = document.getElementById(end + "-q");
      status.textContent = "";
      window.dcopsScan(video, (text) => {
        const url = text.trim();
        if (!HARDWARE.test(url)) {
          status.textContent = form.dataset.notHardware + " " + url;
          return;
        }
        input.value = url; // the server reads the label's URL as that hardware
        focusPorts = end;
        search(end);
      }, (message) => { status.textContent = message; },
      { noCamera: form.dataset.noCamera, noCode: form.dataset.noCode });
    });
  });
})();
