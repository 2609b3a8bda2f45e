"""A page sent while it renders: for the longest pages (the room view is 1.4 MB of HTML for 300 racks), so a worker
never holds the whole text and its bytes at once, four views at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from litestar import Request
from litestar.enums import MediaType
from litestar.response import Template
from litestar.response.streaming import ASGIStreamingResponse

PIECE = 64 * 1024  # characters per piece sent: a few dozen pieces for the room view, not one per template tag


class StreamedTemplate(Template):
    """A Template response whose body is the template's pieces as Jinja renders them, grouped into PIECE-sized
    chunks (each one handed over from a thread: the sync iterator is Litestar's to run)."""

    def to_asgi_response(self, app: Any, request: Request, **kw: Any) -> ASGIStreamingResponse:  # type: ignore[override]
        template = request.app.template_engine.get_template(str(self.template_name))  # type: ignore[union-attr]
        headers = {**(kw.get("headers") or {}), **self.headers}
        return ASGIStreamingResponse(
            iterator=_grouped(template.generate(**self.create_template_context(request)), self.encoding),
            background=self.background or kw.get("background"),
            cookies=[*self.cookies, *(kw.get("cookies") or ())],
            encoded_headers=kw.get("encoded_headers"),
            encoding=self.encoding,
            headers=headers,
            is_head_response=kw.get("is_head_response", False),
            media_type=self.media_type or MediaType.HTML,
            status_code=self.status_code or kw.get("status_code"),
        )


def _grouped(parts: Iterable[str], encoding: str) -> Iterator[bytes]:
    buffer: list[str] = []
    held = 0
    for part in parts:
        buffer.append(part)
        held += len(part)
        if held >= PIECE:
            yield "".join(buffer).encode(encoding)
            buffer, held = [], 0
    if buffer:
        yield "".join(buffer).encode(encoding)
