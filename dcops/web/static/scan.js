// The label scanner (/scan): the tablet's camera reads a label's QR (qrscan.js) and dcops opens what it names.
(function () {
  "use strict";
  const button = document.getElementById("camera");
  const out = document.getElementById("scan-result");
  if (!button || !out) return;
  button.addEventListener("click", () => {
    window.dcopsScan(document.getElementById("video"), (text) => {
      let url;
      try { url = new URL(text, window.location.origin); } catch (e) { url = null; }
      if (url && url.origin === window.location.origin) { window.location.assign(url.pathname); }
      else { out.textContent = out.dataset.notALabel + " " + text; }
    }, (message) => { out.textContent = message; }, { noCamera: out.dataset.noCamera, noCode: out.dataset.noCode });
  });
})();
