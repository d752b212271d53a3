/* The desk (issue 10): bulk selection on the lists and the filterable pickers. In a file: the
   Content-Security-Policy forbids inline script.

   data-bulk-form: a list's form. Its data-select-all checkbox checks or clears every data-row-pick
   checkbox of the form; data-bulk-count shows how many are checked (data-template with {n}).

   data-filter-input="ID": a text box that filters the items of the list #ID as one types. Each
   item (data-filter-item) matches on its data-filter-text (name, code and pinyin initials, computed
   on the server); checked items always stay visible.

   Keyboard shortcuts on a list with data-desk-row rows: j / k move the current row, o or Enter opens
   it, x checks or clears its checkbox, ? shows the help (data-desk-help; Esc or its
   data-desk-help-close button closes it). Ignored while typing in a field or with Ctrl/Alt/Cmd. */
(function () {
  "use strict";

  function rows(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[data-row-pick]"));
  }

  function refresh(form) {
    var picks = rows(form);
    var checked = picks.filter(function (box) { return box.checked; }).length;
    var all = form.querySelector("input[data-select-all]");
    if (all) {
      all.checked = picks.length > 0 && checked === picks.length;
      all.indeterminate = checked > 0 && checked < picks.length;
    }
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = (count.getAttribute("data-template") || "{n}").replace("{n}", String(checked));
    }
  }

  function filterList(input) {
    var list = document.getElementById(input.getAttribute("data-filter-input"));
    if (!list) {
      return;
    }
    var query = input.value.trim().toLowerCase();
    var items = list.querySelectorAll("[data-filter-item]");
    Array.prototype.forEach.call(items, function (item) {
      var text = (item.getAttribute("data-filter-text") || item.textContent).toLowerCase();
      var box = item.querySelector("input[type=checkbox]");
      item.hidden = !(query === "" || text.indexOf(query) !== -1 || (box && box.checked));
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.closest ? target.closest("[data-bulk-form]") : null;
    if (!form) {
      return;
    }
    if (target.hasAttribute("data-select-all")) {
      rows(form).forEach(function (box) { box.checked = target.checked; });
    }
    refresh(form);
  });

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-filter-input")) {
      filterList(event.target);
    }
  });

  var current = -1;

  function deskRows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-desk-row]"));
  }

  function move(delta) {
    var list = deskRows();
    if (!list.length) {
      return;
    }
    if (list[current]) {
      list[current].classList.remove("is-current");
    }
    current = Math.max(0, Math.min(list.length - 1, current < 0 ? 0 : current + delta));
    list[current].classList.add("is-current");
    list[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    return tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable);
  }

  function help(show) {
    var box = document.querySelector("[data-desk-help]");
    if (!box) {
      return;
    }
    box.hidden = show === undefined ? !box.hidden : !show;
    if (!box.hidden) {
      var close = box.querySelector("[data-desk-help-close]");
      if (close) {
        close.focus();
      }
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest && (target.closest("[data-desk-help-close]") || target.hasAttribute("data-desk-help"))) {
      help(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var box = document.querySelector("[data-desk-help]");
    if (event.key === "Escape" && box && !box.hidden) {
      help(false);
      return;
    }
    if (event.key === "?") {
      if (box) {
        event.preventDefault();
        help();
      }
      return;
    }
    if (box && !box.hidden) {
      return;
    }
    var list = deskRows();
    if (!list.length) {
      return;
    }
    var row = list[current];
    if (event.key === "j") {
      event.preventDefault();
      move(1);
    } else if (event.key === "k") {
      event.preventDefault();
      move(-1);
    } else if ((event.key === "o" || event.key === "Enter") && row) {
      var link = row.querySelector("a[href]");
      if (link && !(event.key === "Enter" && event.target.closest && event.target.closest("a, button"))) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    } else if (event.key === "x" && row) {
      var pick = row.querySelector("input[data-row-pick]");
      if (pick) {
        event.preventDefault();
        pick.click();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-bulk-form]"), refresh);
  });
})();
