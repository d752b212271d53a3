// The print pages (appeals/print_sheet.html): a button that opens the browser's print dialog.
// No inline handler under the Content-Security-Policy: the button carries data-print.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
