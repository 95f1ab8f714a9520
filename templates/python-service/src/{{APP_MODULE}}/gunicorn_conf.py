"""Gunicorn's settings, as the container runs it (the Dockerfile's CMD, `make run`):

    gunicorn --config python:{{APP_MODULE}}.gunicorn_conf {{APP_MODULE}}.wsgi:app

- It listens on PORT (all interfaces), the port the golden app gives the pod.
- One worker process with WEB_THREADS threads (default 8): the metrics registry lives in the
  process, so one process per pod counts every request. Scale with replicas.
- SIGTERM: gunicorn stops gracefully (in-flight requests finish within graceful_timeout, below
  Kubernetes' default 30 s grace period); the worker first marks itself draining (/readyz 503).
- Its only file is the worker heartbeat, in /tmp: the root filesystem stays read-only.
- Logs: gunicorn's own messages as JSON lines, like the app's; no access log (the app logs each
  request with its route, status and duration).
"""

import logging

from {{APP_MODULE}} import logs
from {{APP_MODULE}}.config import Settings
from {{APP_MODULE}}.health import chain_sigterm

_settings = Settings.from_env()

bind = [f"0.0.0.0:{_settings.port}"]
workers = 1
worker_class = "gthread"
threads = _settings.integer("WEB_THREADS", 8, minimum=1, maximum=256)
timeout = 30
graceful_timeout = 25
keepalive = 5
worker_tmp_dir = "/tmp"
accesslog = None
errorlog = "-"
loglevel = {"warn": "warning"}.get(_settings.log_level, _settings.log_level)
logconfig_dict = logs.dict_config(_settings)
proc_name = _settings.app_name


def post_worker_init(worker):
    """Once the worker has loaded the app: SIGTERM drains it before gunicorn's own graceful stop."""
    service = worker.wsgi.extensions["service"]
    chain_sigterm(service.readiness, logging.getLogger("{{APP_MODULE}}.lifecycle"))
