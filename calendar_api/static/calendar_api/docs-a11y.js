// Swagger UI's page, made whole for assistive technology: its intro and servers become
// labelled regions (the servers' select gets a name), and a (visually hidden) level-2
// heading leads into the endpoints' level-3 headings.
(function () {
  function mend() {
    var intro = document.querySelector(".information-container");
    if (intro && !intro.hasAttribute("role")) {
      intro.setAttribute("role", "region");
      intro.setAttribute("aria-label", "About this API");
    }
    var servers = document.querySelector(".schemes-server-container");
    if (servers && !servers.hasAttribute("role")) {
      servers.setAttribute("role", "region");
      servers.setAttribute("aria-label", "Servers");
    }
    var serverSelect = document.getElementById("servers");
    if (serverSelect && !serverSelect.hasAttribute("aria-label")) {
      serverSelect.setAttribute("aria-label", "Server");
    }
    var operations = document.querySelector(".swagger-ui .wrapper > .block.col-12, #operations");
    var firstTag = document.querySelector(".opblock-tag-section");
    if (firstTag && !document.getElementById("endpoints-heading")) {
      var heading = document.createElement("h2");
      heading.id = "endpoints-heading";
      heading.className = "visually-hidden";
      heading.textContent = "Endpoints";
      firstTag.parentNode.insertBefore(heading, firstTag);
    }
    return operations;
  }
  new MutationObserver(mend).observe(document.body, { childList: true, subtree: true });
  mend();
})();
