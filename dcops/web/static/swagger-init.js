// Starts Swagger UI on /schema/swagger (dcops.web.swagger): the schema by URL, no inline script.
(function () {
  "use strict";
  window.addEventListener("DOMContentLoaded", () => {
    const container = document.getElementById("swagger-container");
    if (!container || !window.SwaggerUIBundle) return;
    window.SwaggerUIBundle({
      url: container.dataset.spec,
      dom_id: "#swagger-container",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      validatorUrl: null, // no badge from validator.swagger.io: the schema's address stays here
      presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    });
  });
})();
