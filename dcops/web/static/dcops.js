// What pages ask for with data attributes, so that no page needs inline script or event handlers (the
// Content-Security-Policy allows scripts from /static only; see dcops.web.headers):
//   <form data-confirm="Question?">  asks before it is submitted, in the page's <dialog id="confirm-dialog">
//                                    (base.html; big buttons for a finger, Escape or "No" to go back), its
//                                    yes button named by data-confirm-ok and its no button by data-confirm-no
//                                    when the form gives them; window.confirm only where <dialog> is missing;
//   <button data-print>              prints the page;
//   <select data-autosubmit>         submits its form when it changes;
//   <a data-back href="/">           goes back in the browser's history (the href when there is none).
(function () {
  "use strict";

  // A form the reader confirmed goes through once; the next submit asks again.
  const confirmed = new WeakSet();

  function ask(form, submitter) {
    const dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(form.dataset.confirm)) send(form, submitter);
      return;
    }
    const yes = dialog.querySelector("button[value=yes]");
    const no = dialog.querySelector("button[value=no]");
    dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
    yes.textContent = form.dataset.confirmOk || yes.dataset.label;
    no.textContent = form.dataset.confirmNo || no.dataset.label;
    // The yes button looks like the button that was pressed (a red one stays red).
    yes.classList.toggle("danger", !!(submitter && submitter.classList.contains("danger")));
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "yes") send(form, submitter);
      else if (submitter) submitter.focus();
    }, { once: true });
    dialog.showModal();
    no.focus();
  }

  function send(form, submitter) {
    confirmed.add(form);
    if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    else form.submit();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (confirmed.has(form)) {
      confirmed.delete(form);
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    ask(form, event.submitter || null);
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
