// The door screen: the scan field keeps focus (a handheld scanner types the code and Enter), the door is
// remembered on this device, the answer resets for the next scan, and the camera scans where there is one
// (the browser's BarcodeDetector, else the vendored jsQR decoding video frames).
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

  async function decoder() {
    if ("BarcodeDetector" in window) {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (source) => ((await detector.detect(source))[0] || {}).rawValue || null;
      }
    }
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    return async (source) => {
      canvas.width = source.videoWidth;
      canvas.height = source.videoHeight;
      ctx.drawImage(source, 0, 0);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      return found ? found.data : null;
    };
  }

  async function scanWithCamera() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (err) {
      result.innerHTML = '<p class="door-idle">No camera available here (' + err.name + '): use the scanner.</p>';
      return;
    }
    const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; camera.disabled = false; };
    camera.disabled = true;
    video.hidden = false;
    video.srcObject = stream;
    await video.play();
    const detect = await decoder();
    const started = Date.now();
    const tick = async () => {
      if (Date.now() - started > 30000) return stop();
      if (video.readyState >= 2) {
        const text = await detect(video);
        if (text) {
          stop();
          code.value = text;
          form.requestSubmit();
          return;
        }
      }
      requestAnimationFrame(tick);
    };
    tick();
  }
  if (camera) camera.addEventListener("click", scanWithCamera);
})();
