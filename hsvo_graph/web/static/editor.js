// The SPARQL query editor: YASGUI (vendored under /static/yasgui/) against this service's
// /sparql endpoint. The page puts its settings in <script id="editor-config">: the endpoint,
// the default query of a new tab (with the project's prefixes), the example queries (one per
// canned query, offered in a <select> rather than as a tab each, so the editor stays in
// view), and optionally a query to open and run (a /sparql?query=… link opened in a browser).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var root = document.getElementById("yasgui");

  // Offline: no autocompleter that fetches from the internet (LOV), and not the bundled
  // prefix.cc list; variable names still complete.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    // Tabs are remembered per endpoint URL, so another host or port starts afresh ("v2":
    // not the fifteen example tabs earlier versions opened).
    persistenceId: "hsvo-graph:v2:" + config.endpoint,
    // A ?query= link is opened below, in a named tab, and run.
    populateFromUrl: false,
    tabName: config.newTabName,
    yasqe: { value: config.defaultQuery, collapsePrefixesOnLoad: true },
  });

  // Accessibility repairs YASGUI does not make itself (axe-core: 0 critical, 0 serious):
  // the add-tab button sits inside the tablist, where only tabs may be; tabs point with
  // aria-controls at panels that exist only for the selected tab; its inputs have no label;
  // CodeMirror's orange for variables is too light (editor.html's style sets a darker one).
  function repair() {
    root.querySelectorAll('[role="tablist"] > :not(.tab)').forEach(function (child) {
      // YASGUI's own add-tab button sits among the tabs (and YASGUI inserts new tabs
      // before it, so it cannot be moved): hidden, and replaced by #tab-new outside.
      if (child.querySelector("button") && child.style.display !== "none") { child.style.display = "none"; }
    });
    root.querySelectorAll("[aria-controls]").forEach(function (element) {
      if (!document.getElementById(element.getAttribute("aria-controls"))) {
        element.removeAttribute("aria-controls");
      }
    });
    root.querySelectorAll("input:not([aria-label]), textarea:not([aria-label]), select:not([aria-label])").forEach(function (input) {
      if (!input.labels || input.labels.length === 0) {
        var name = input.classList.contains("autocomplete") ? config.words.endpoint
          : input.classList.contains("tableSizer") ? config.words.pageSize
          : input.closest(".tab") ? config.words.tabName : config.words.input;
        input.setAttribute("aria-label", name);
      }
    });
  }
  repair();
  new MutationObserver(repair).observe(root, { childList: true, subtree: true });

  document.getElementById("tab-new").addEventListener("click", function () {
    yasgui.addTab(true);
  });

  var select = document.getElementById("example-select");
  document.getElementById("example-open").addEventListener("click", function () {
    var example = config.examples[parseInt(select.value, 10)];
    if (!example) { return; }
    var tab = yasgui.getTab();
    tab.setName(example.name);
    tab.setQuery(example.query);
    tab.getYasqe().focus();
  });

  if (config.query) {
    var tab = yasgui.tabNameTaken(config.queryTabName) ||
      yasgui.addTab(true, { name: config.queryTabName });
    tab.setQuery(config.query);
    tab.select();
    tab.query().catch(function () { /* YASR shows the error */ });
  }
})();
