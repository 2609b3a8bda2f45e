"""Swagger UI that runs under the Content-Security-Policy: Litestar's page writes the whole schema into an inline
script and an inline style and loads its bundle from a CDN; this one loads the vendored bundle
(static/vendor/swagger-ui, from npm) and the schema by URL, and starts Swagger UI from /static/swagger-init.js."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import SwaggerRenderPlugin


class SwaggerUI(SwaggerRenderPlugin):
    def __init__(self) -> None:
        vendor = "/static/vendor/swagger-ui"
        super().__init__(
            js_url=f"{vendor}/swagger-ui-bundle.js",
            css_url=f"{vendor}/swagger-ui.css",
            standalone_preset_js_url=f"{vendor}/swagger-ui-standalone-preset.js",
            favicon='<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
            style="",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        spec = self.get_openapi_json_route(request)
        return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(openapi_schema["info"]["title"])}</title>
  {self.favicon}
  <link rel="stylesheet" href="{escape(self.css_url)}">
  <link rel="stylesheet" href="/static/swagger.css">
  <script src="{escape(self.js_url)}" defer></script>
  <script src="{escape(self.standalone_preset_js_url)}" defer></script>
  <script src="/static/swagger-init.js" defer></script>
</head>
<body><div id="swagger-container" data-spec="{escape(spec)}"></div></body>
</html>""".encode()
