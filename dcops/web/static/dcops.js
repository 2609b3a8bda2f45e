// What pages ask for with data attributes, so that no page needs inline script or event handlers (the
// Content-Security-Policy allows scripts from /static only; see dcops.web.headers):
//   <form data-confirm="Question?">  asks before it is submitted;
//   <button data-print>              prints the page;
//   <select data-autosubmit>         submits its form when it changes;
//   <a data-back href="/">           goes back in the browser's history (the href when there is none).
(function () {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      window.print();
    } else if (target.closest("a[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("change", (event) => {
    const field = event.target;
    if (!(field instanceof Element) || !field.hasAttribute("data-autosubmit") || !field.form) return;
    if (field.form.requestSubmit) field.form.requestSubmit();
    else field.form.submit();
  });
})();
