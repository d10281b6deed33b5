// hsvo-graph: sorting and filtering in the page, for tables with class "sortable" and for
// the start page's question cards. Everything works without this script (the full table
// is there, the cards are all listed); it only adds convenience. The words come from the
// page (data-* attributes on <body>), so they are in the page's language.
(function () {
  "use strict";
  var words = document.documentElement.dataset;

  // Text as the server matches what people type (hsvo_graph/canned/folding.py): NFC, white
  // space (tabs, no-break spaces, runs) as one space, lower case; so that "nära  VÅRD" or a
  // decomposed "a" + U+0308 finds what the server-side questions find.
  function normalised(text) {
    return text.normalize("NFC").replace(/\s+/g, " ").trim().toLocaleLowerCase();
  }

  // What the filter matches in an element, its cells' texts apart (kept: it does not change)
  function searchable(element) {
    if (element.searchText === undefined) {
      var parts = element.cells ? Array.prototype.map.call(element.cells, function (cell) { return cell.textContent; })
                                : [element.textContent];
      element.searchText = normalised(parts.join(" "));
    }
    return element.searchText;
  }

  function cellValue(row, index) {
    var cell = row.children[index];
    var text = cell ? cell.textContent.trim() : "";
    var number = text.replace(/\s/g, "").replace(",", ".");
    return /^[-+]?\d+(\.\d+)?$/.test(number) ? parseFloat(number) : text.toLocaleLowerCase();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function addFilter(table, number) {
    var wrap = table.closest(".table-wrap") || table;
    var box = document.createElement("div");
    box.className = "table-filter no-print";
    var id = "table-filter-" + number;
    box.innerHTML = '<label for="' + id + '"></label> <input type="search" id="' + id + '" autocomplete="off"> <span class="muted" aria-live="polite"></span>';
    box.querySelector("label").textContent = words.filterLabel || "Filter";
    wrap.parentNode.insertBefore(box, wrap);
    var input = box.querySelector("input"), count = box.querySelector("span");
    input.addEventListener("input", function () {
      var wanted = normalised(input.value), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var match = !wanted || searchable(row).indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = wanted ? shown + " " + (words.rowsShown || "") : "";
    });
  }

  function filterCards(input) {
    var items = document.querySelectorAll(input.dataset.filterCards);
    var none = document.getElementById("question-none");
    input.closest("[hidden]") && input.closest("[hidden]").removeAttribute("hidden");
    input.addEventListener("input", function () {
      var wanted = normalised(input.value), shown = 0;
      Array.prototype.forEach.call(items, function (item) {
        var match = !wanted || searchable(item).indexOf(wanted) !== -1;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      document.querySelectorAll("#questions .questions").forEach(function (list) {
        var visible = list.querySelectorAll("li:not([hidden])").length > 0;
        list.hidden = !visible;
        if (list.previousElementSibling && list.previousElementSibling.tagName === "H3") {
          list.previousElementSibling.hidden = !visible;
        }
      });
      if (none) { none.hidden = shown > 0; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    words = document.body.dataset;
    document.querySelectorAll("table.sortable").forEach(function (table, number) {
      if (table.tBodies.length && table.tBodies[0].rows.length > 1) {
        makeSortable(table);
        if (table.tBodies[0].rows.length > 5) { addFilter(table, number); }
      }
    });
    document.querySelectorAll("input[data-filter-cards]").forEach(filterCards);
  });
})();
