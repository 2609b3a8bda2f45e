// Reads one QR code with the device camera: the browser's BarcodeDetector where it has one, else the
// vendored jsQR on video frames. Used by the door screen and the label scanner.
(function () {
  "use strict";

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

  // Show the camera in `video` until a code is read (then onText(text)) or 30 s pass.
  // `words`: the page's own wording in the reader's language ({noCamera, noCode}); English without it.
  window.dcopsScan = async function (video, onText, onError, words) {
    const say = Object.assign({ noCamera: "No camera available here", noCode: "No code found; try again" }, words || {});
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (err) {
      onError(say.noCamera + " (" + err.name + ")");
      return;
    }
    const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; };
    video.hidden = false;
    video.srcObject = stream;
    await video.play();
    const detect = await decoder();
    const started = Date.now();
    const tick = async () => {
      if (Date.now() - started > 30000) { stop(); onError(say.noCode); return; }
      if (video.readyState >= 2) {
        const text = await detect(video);
        if (text) { stop(); onText(text); return; }
      }
      requestAnimationFrame(tick);
    };
    tick();
  };
})();
