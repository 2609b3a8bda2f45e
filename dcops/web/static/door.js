// The door screen: the scan field keeps focus (a handheld scanner types the code and Enter), the door is
// remembered on this device, the answer resets for the next scan, and the camera scans (qrscan.js).
(function () {
  "use strict";
  const form = document.getElementById("door-form");
  if (!form) return;
  const code = document.getElementById("code");
  const room = document.getElementById("room_id");
  const tags = document.getElementById("asset_tags");
  const result = document.getElementById("result");
  const camera = document.getElementById("camera");
  const video = document.getElementById("video");
  const RESET_MS = 8000;
  let timer = null;

  const saved = localStorage.getItem("dcops.door.room");
  if (saved && !room.value && room.querySelector(`option[value="${saved}"]`)) room.value = saved;
  room.addEventListener("change", () => localStorage.setItem("dcops.door.room", room.value));

  const direction = () => (form.querySelector("input[name=direction]:checked") || {}).value;
  const showTags = () => { document.getElementById("carry").hidden = direction() !== "out"; };
  form.querySelectorAll("input[name=direction]").forEach((r) => r.addEventListener("change", showTags));
  showTags();

  // Keep the scanner's target focused unless the officer is using another control.
  const idle = () => !document.activeElement || document.activeElement === document.body;
  setInterval(() => { if (idle()) code.focus(); }, 400);
  code.focus();

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target !== result) return;
    code.value = "";
    tags.value = "";
    code.focus();
    clearTimeout(timer);
    timer = setTimeout(() => {
      result.innerHTML = '<p class="door-idle">Ready for the next scan</p>';
    }, RESET_MS);
  });

  function scanWithCamera() {
    camera.disabled = true;
    window.dcopsScan(video, (text) => {
      camera.disabled = false;
      code.value = text;
      form.requestSubmit();
    }, (message) => {
      camera.disabled = false;
      result.innerHTML = '<p class="door-idle"></p>';
      result.firstChild.textContent = message + ": use the scanner.";
    });
  }
  if (camera) camera.addEventListener("click", scanWithCamera);
})();
