"""Prometheus metrics, in a registry of the app's own.

prometheus_client's module-level metrics register in one global REGISTRY; an app factory that
creates them (as `create_app` does) then fails the second time it runs, in the same process, with
"Duplicated timeseries in CollectorRegistry" (a test suite makes many apps). Here every app gets
a fresh CollectorRegistry with its own collectors, and /metrics serves that registry.

One process serves each pod (gunicorn_conf: one worker, threads), so this registry sees every
request of the pod; scale with replicas, not with worker processes (which would each count apart).
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

from .config import Settings

#: The response's Content-Type (the Prometheus text format).
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The app's collectors and the registry /metrics serves."""

    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        # The GitOps repository's error-ratio alert reads this counter: `metrics: { errorRatio: {
        # metric: 'http_requests_total' } }` in the app spec (status label `code`, the default).
        self.requests = Counter(
            "http_requests_total", "HTTP requests answered, by method, route and status code.",
            ["method", "route", "code"], registry=self.registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds", "Time to answer an HTTP request, by method and route.",
            ["method", "route"], registry=self.registry,
        )
        self.info = Gauge("app_info", "Where this app runs (always 1).", ["app", "env", "region"], registry=self.registry)
        self.info.labels(settings.app_name, settings.env, settings.region).set(1)

    def observe(self, method: str, route: str, code: int, seconds: float) -> None:
        self.requests.labels(method, route, str(code)).inc()
        self.duration.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        """The registry in the Prometheus text format (every family has a `# TYPE` line)."""
        return generate_latest(self.registry)
