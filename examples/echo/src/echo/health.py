"""Liveness, readiness and the graceful stop.

- /healthz (liveness) answers 200 while the process can serve at all. It never looks at
  dependencies: a database outage must not make Kubernetes restart every pod.
- /readyz (readiness) answers 200 when every registered check passes, 503 otherwise: the pod then
  gets no traffic until it is ready again. Register one check per dependency:

      service.readiness.add("database", lambda: db.ping(timeout=1))

  A check returns True (or None) when the dependency is usable, False or raises when not. Keep it
  cheap and bounded (a timeout): the kubelet probes every 5 seconds with a 3 second timeout.
- On SIGTERM (the pod is being stopped) the app drains: /readyz answers 503 "draining", the
  server finishes the requests in flight and exits (gunicorn_conf: graceful_timeout).
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any, Callable, Dict, Optional, Tuple

Check = Callable[[], Optional[bool]]


class Readiness:
    """The registry of readiness checks, and whether the app is draining."""

    def __init__(self) -> None:
        self._checks: Dict[str, Check] = {}
        self._draining = threading.Event()

    def add(self, name: str, check: Check) -> None:
        if name in self._checks:
            raise ValueError(f"readiness check {name!r} is registered already")
        self._checks[name] = check

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(self._checks)

    def drain(self) -> None:
        self._draining.set()

    @property
    def draining(self) -> bool:
        return self._draining.is_set()

    def run(self) -> Tuple[bool, Dict[str, Any]]:
        """(ready, the JSON body of /readyz): every check runs, each reports "ok" or why not."""
        results: Dict[str, str] = {}
        for name, check in self._checks.items():
            try:
                ok = check()
                results[name] = "ok" if ok is None or ok is True else "failing"
            except Exception as e:  # a check that raises is a failing check, with the reason
                results[name] = f"error: {type(e).__name__}: {e}"
        ready = not self.draining and all(r == "ok" for r in results.values())
        status = "draining" if self.draining else "ready" if ready else "not ready"
        return ready, {"status": status, "checks": results}


def chain_sigterm(readiness: Readiness, log: logging.Logger) -> None:
    """On SIGTERM: drain (readiness fails), log it, then do what was installed before.

    Under gunicorn (gunicorn_conf's post_worker_init) that is the worker's own graceful stop. With
    no handler before (the default action), the process exits with status 0.
    """
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: Any) -> None:
        readiness.drain()
        log.info("SIGTERM: draining", extra={"signal": "SIGTERM"})
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
