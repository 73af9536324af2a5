/* A minimal rich-text editor for supervision cases: a toolbar over a contenteditable area.
   Why not a vendored editor (Quill …): a case needs only headings, bold/italic, lists, links and a
   table — what the browser's own editing commands do — so 60 lines we own beat ~200 KB of third-party
   code to keep patched on offline government intranets; safety never rested on the editor anyway.
   The HTML is copied into the form's textarea on submit; the server sanitises it (nh3), so this
   only has to be convenient. Without JavaScript the plain textarea still works. */
(function () {
  "use strict";
  document.querySelectorAll("[data-case-editor]").forEach(function (box) {
    var textarea = document.getElementById(box.getAttribute("data-case-editor"));
    var area = box.querySelector("[data-editor-area]");
    var form = textarea.form;
    // Start inside a paragraph, so the first line is one like the others.
    area.innerHTML = textarea.value.trim() || "<p><br></p>";
    textarea.hidden = true;
    box.hidden = false;
    document.execCommand("defaultParagraphSeparator", false, "p");

    function sync() { textarea.value = area.innerHTML; }
    var actions = {
      h2: function () { document.execCommand("formatBlock", false, "h2"); },
      h3: function () { document.execCommand("formatBlock", false, "h3"); },
      p: function () { document.execCommand("formatBlock", false, "p"); },
      bold: function () { document.execCommand("bold"); },
      italic: function () { document.execCommand("italic"); },
      ol: function () { document.execCommand("insertOrderedList"); },
      ul: function () { document.execCommand("insertUnorderedList"); },
      link: function (button) {
        var url = window.prompt(button.getAttribute("data-prompt"), "https://");
        if (url && /^(https?:|mailto:)/i.test(url)) { document.execCommand("createLink", false, url); }
      },
      table: function () {
        var row = "<tr><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr>";
        document.execCommand("insertHTML", false, "<table><tbody>" + row + row + row + "</tbody></table><p><br></p>");
      },
      clear: function () { document.execCommand("removeFormat"); document.execCommand("formatBlock", false, "p"); }
    };
    box.querySelectorAll("[data-cmd]").forEach(function (button) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      button.addEventListener("click", function () {
        area.focus();
        actions[button.getAttribute("data-cmd")](button);
        sync();
      });
    });
    area.addEventListener("input", sync);
    // Pasted Word/web content comes in as plain text paragraphs; the server would strip the rest anyway.
    area.addEventListener("paste", function (event) {
      var text = (event.clipboardData || window.clipboardData).getData("text/plain");
      if (!text) { return; }
      event.preventDefault();
      var html = text.split(/\r?\n/).filter(function (l) { return l.trim(); }).map(function (line) {
        var p = document.createElement("p"); p.textContent = line; return p.outerHTML;
      }).join("");
      document.execCommand("insertHTML", false, html);
      sync();
    });
    form.addEventListener("submit", sync);
  });
})();
