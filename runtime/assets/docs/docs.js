// ringback's docs page: Swagger UI on the document the page names. This is a file of its own,
// not an inline script, so that the page's Content-Security-Policy can say `script-src 'self'`.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    // Swagger UI's default sends the document to validator.swagger.io for a badge: the page
    // must work offline and keep the document on the machine.
    validatorUrl: null,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 1,
    defaultModelExpandDepth: 3,
    showCommonExtensions: true
  });
  var select = document.getElementById("ringback-version");
  if (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
    var button = document.getElementById("ringback-version-show");
    if (button) {
      button.hidden = true;
    }
  }
})();
