"""The echo service's own routes: POST /echo answers with the request's body.

ECHO_MAX_BODY_BYTES (a `config` key of apps/echo.ts, default 65536) caps the body: a larger one is
refused with 413, whether the client announced its length (Content-Length) or streams it (chunked);
no more than the limit and one byte is ever read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, jsonify, request

if TYPE_CHECKING:  # pragma: no cover
    from .app import Service

#: The cap when ECHO_MAX_BODY_BYTES is not set.
DEFAULT_MAX_BODY_BYTES = 65536


def register(app: Flask, service: "Service") -> None:
    limit = service.settings.integer("ECHO_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, minimum=0)
    bp = Blueprint("echo", __name__)

    def too_large():
        return jsonify(error="Payload Too Large", status=413, detail=f"the body is larger than ECHO_MAX_BODY_BYTES ({limit} bytes)"), 413

    @bp.post("/echo")
    def echo():
        if request.content_length is not None and request.content_length > limit:
            return too_large()
        body = request.stream.read(limit + 1)
        if len(body) > limit:
            return too_large()
        return Response(body, status=200, content_type=request.content_type or "application/octet-stream")

    app.register_blueprint(bp)
