/* The appeal page's desk helpers, in a file (the Content-Security-Policy forbids inline script).

   data-fill-target="ID" on a <select> (the reply templates, 常用语): choosing an option puts its
   data-text into the textarea #ID — into an empty box as it is, after what was typed otherwise — and
   the picker returns to its prompt, so the same template can be chosen again.

   data-max-bytes / data-max-files on a file input: files over the limit are refused in the browser
   before anything is uploaded; the message (data-too-big with {name}, data-too-many) shows in the
   element named by data-error-id and blocks the form's submission until the choice is fixed. The files
   chosen stay chosen. */
(function () {
  "use strict";

  function fillFromTemplate(select) {
    var target = document.getElementById(select.getAttribute("data-fill-target"));
    var option = select.options[select.selectedIndex];
    if (!target || !option || !option.hasAttribute("data-text")) {
      return;
    }
    var text = option.getAttribute("data-text");
    var typed = target.value.replace(/\s+$/, "");
    target.value = typed ? typed + "\n" + text : text;
    select.selectedIndex = 0;
    target.focus();
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function checkFiles(input) {
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10) || 0;
    var problems = [];
    var files = input.files || [];
    if (maxFiles && files.length > maxFiles) {
      problems.push(input.getAttribute("data-too-many") || "");
    }
    for (var i = 0; i < files.length; i++) {
      if (maxBytes && files[i].size > maxBytes) {
        problems.push((input.getAttribute("data-too-big") || "").replace("{name}", files[i].name));
      }
    }
    var message = problems.join(" ");
    input.setCustomValidity(message);
    var box = document.getElementById(input.getAttribute("data-error-id") || "");
    if (box) {
      box.textContent = message;
    }
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) {
      return;
    }
    if (el.tagName === "SELECT" && el.hasAttribute("data-fill-target")) {
      fillFromTemplate(el);
    } else if (el.tagName === "INPUT" && el.type === "file" && el.hasAttribute("data-max-bytes")) {
      checkFiles(el);
    }
  });
})();
