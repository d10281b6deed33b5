// The SPARQL query editor: YASGUI (vendored under /static/yasgui/) against this service's
// /sparql endpoint. The page puts its settings in <script id="editor-config">: the endpoint,
// the default query of a new tab (with the project's prefixes), one example tab per canned
// query, and optionally a query to open and run (a /sparql?query=… link opened in a browser).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);

  // Offline: no autocompleter that fetches from the internet (LOV), and not the bundled
  // prefix.cc list; variable names still complete.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    // Tabs are remembered per endpoint URL, so another host or port starts afresh.
    persistenceId: "hsvo-graph:" + config.endpoint,
    // A ?query= link is opened below, in a named tab, and run.
    populateFromUrl: false,
    tabName: config.newTabName,
    yasqe: { value: config.defaultQuery, collapsePrefixesOnLoad: true },
  });

  config.examples.forEach(function (example) {
    if (!yasgui.tabNameTaken(example.name)) {
      yasgui.addTab(false, { name: example.name, yasqe: { value: example.query } });
    }
  });

  if (config.query) {
    var tab = yasgui.tabNameTaken(config.queryTabName) ||
      yasgui.addTab(true, { name: config.queryTabName });
    tab.setQuery(config.query);
    tab.select();
    tab.query().catch(function () { /* YASR shows the error */ });
  }
})();
