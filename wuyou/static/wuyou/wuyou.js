/* The pages' few behaviours, in a file rather than inline script or on*="" attributes, so the
   Content-Security-Policy can forbid inline script (script-src 'self').

   data-autosubmit: a <select> (or any form control) that submits its form when changed. Delegated from the
   document, so controls htmx swaps in later work too. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (!(control instanceof Element) || !control.hasAttribute("data-autosubmit") || !control.form) {
      return;
    }
    if (typeof control.form.requestSubmit === "function") {
      control.form.requestSubmit();
    } else {
      control.form.submit();
    }
  });
})();
