"""The app factory: the platform's endpoints (/healthz, /readyz, /metrics), request logs and
metrics, JSON errors, then the service's own routes (routes.py, the template's extension point)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Mapping, Optional

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from . import logs, routes
from .config import Settings
from .health import Readiness
from .metrics import CONTENT_TYPE, Metrics

#: The routes of the platform: requests to them are logged at debug level only (probes, scrapes).
PLATFORM_ROUTES = ("/healthz", "/readyz", "/metrics")


@dataclass(frozen=True)
class Service:
    """What the routes get: the settings, the readiness checks, the metrics and a logger."""

    settings: Settings
    readiness: Readiness
    metrics: Metrics
    log: logging.Logger


def create_app(environ: Optional[Mapping[str, str]] = None) -> Flask:
    """A new app, configured from `environ` (default: the process environment).

    Each call builds everything afresh (settings, metrics registry, readiness checks), so tests
    may create as many apps as they like.
    """
    settings = Settings.from_env(environ)
    logs.configure(settings)
    log = logging.getLogger(__name__.rsplit(".", 1)[0])
    service = Service(settings=settings, readiness=Readiness(), metrics=Metrics(settings), log=log)

    app = Flask(__name__.rsplit(".", 1)[0])
    app.extensions["service"] = service

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        service.metrics.observe(request.method, route, response.status_code, seconds)
        level = logging.DEBUG if route in PLATFORM_ROUTES else logging.INFO
        log.log(level, "request", extra={
            "method": request.method, "route": route, "path": request.path,
            "status": response.status_code, "duration_ms": round(seconds * 1000, 3),
        })
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return jsonify(error=e.name, status=e.code, detail=e.description), e.code

    @app.errorhandler(Exception)
    def server_error(e: Exception):
        log.exception("unhandled error", extra={"method": request.method, "path": request.path})
        return jsonify(error="Internal Server Error", status=500), 500

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        ready, body = service.readiness.run()
        return jsonify(body), 200 if ready else 503

    @app.get("/metrics")
    def metrics():
        return Response(service.metrics.render(), content_type=CONTENT_TYPE)

    routes.register(app, service)
    log.info("started", extra={"port": settings.port, "features": dict(settings.features)})
    return app
