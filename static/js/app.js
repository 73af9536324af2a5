/* Page behaviours declared in the markup (data-* attributes), so no page needs an inline script
   or an on…= handler: the Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  // <form data-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    // Forms sent by checklist.js (data-ajax) ask their own question.
    if (e.defaultPrevented || form.matches("[data-ajax]")) return;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-confirm-click],[data-print],[data-check-all],[data-copy]") : null;
    if (!el) return;
    // <button data-confirm-click="…">: ask before this button submits.
    if (el.dataset.confirmClick !== undefined && !window.confirm(el.dataset.confirmClick)) e.preventDefault();
    // <button data-copy="#field">: copy the field's text (a new API token, shown once).
    if (el.dataset.copy !== undefined) {
      var field = document.querySelector(el.dataset.copy);
      if (field) {
        field.select();
        if (navigator.clipboard) navigator.clipboard.writeText(field.value); else document.execCommand("copy");
      }
    }
    // <button data-print>: print the page.
    if (el.dataset.print !== undefined) window.print();
    // <button data-check-all="name">: tick every checkbox of that name.
    if (el.dataset.checkAll !== undefined) {
      document.querySelectorAll('input[type=checkbox][name="' + el.dataset.checkAll + '"]').forEach(function (c) { c.checked = true; });
    }
  });
  // <input data-filter-list="#list">: hide the list's [data-name] items that do not contain the text.
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el.dataset || !el.dataset.filterList) return;
    var q = el.value.trim();
    document.querySelectorAll(el.dataset.filterList + " [data-name]").forEach(function (item) {
      item.classList.toggle("d-none", Boolean(q) && !item.dataset.name.includes(q));
    });
  });
})();
