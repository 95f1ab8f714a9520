"""Fixtures: apps made from a given environment, and the real server as the container runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from echo import create_app

ROOT = Path(__file__).resolve().parent.parent

#: What the golden app sets in every pod (here for a test env/region).
BASE_ENV = {"APP_NAME": "echo", "APP_ENV": "test", "APP_REGION": "local-1", "LOG_LEVEL": "info"}


@pytest.fixture
def make_app():
    """make_app(LOG_LEVEL="debug", FEATURE_X="true") -> a new app from BASE_ENV plus those variables."""

    apps = []  # kept for the whole test: a response's JSON needs its app alive

    def make(**env: str):
        apps.append(create_app({**BASE_ENV, **env}))
        return apps[-1]

    return make


@pytest.fixture
def client(make_app):
    return make_app().test_client()


def _sample(text: str, name: str, **labels: str) -> Optional[float]:
    """The value of the sample `name` with exactly these labels (in any order), or None."""
    for line in text.splitlines():
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$", line)
        if m and m.group(1) == name and dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or "")) == labels:
            return float(m.group(3))
    return None


@pytest.fixture
def sample():
    """sample(metrics_text, "http_requests_total", method="GET", route="/", code="200") -> 1.0 (or None)."""
    return _sample


# The server runs under an audit hook that reports every write outside /tmp (and /dev) on stderr:
# the container's root filesystem is read-only, so such a write would fail in the cluster.
_BOOTSTRAP = r"""
import os, sys
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
ALLOWED = ("/tmp/", "/dev/")
def outside(path):
    if isinstance(path, int) or path is None:
        return False
    p = os.path.abspath(os.fsdecode(path))
    return not (p + "/").startswith(ALLOWED)
def report(event, path):
    os.write(2, ("WRITE-OUTSIDE-TMP %s %s\n" % (event, os.fsdecode(path))).encode())
def hook(event, args):
    if event == "open":
        path, mode, flags = args
        writing = (flags & WRITE_FLAGS) if isinstance(flags, int) and flags >= 0 else any(c in (mode or "") for c in "wax+")
        if writing and outside(path):
            report(event, path)
    elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.truncate", "os.chmod", "os.chown", "os.utime", "os.mkfifo", "os.mknod"):
        if outside(args[0]):
            report(event, args[0])
    elif event in ("os.rename", "os.symlink", "os.link"):
        for path in args[:2]:
            if outside(path):
                report(event, path)
sys.addaudithook(hook)
from gunicorn.app.wsgiapp import run
sys.argv = ["gunicorn", "--config", "python:echo.gunicorn_conf", "echo.wsgi:app"]
run()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app under gunicorn in a process of its own, configured as in the container."""

    def __init__(self, env: Dict[str, str]) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        environ = {k: v for k, v in os.environ.items() if k not in ("TMPDIR", "PYTHONPATH") and not k.startswith("FEATURE_")}
        environ.update(BASE_ENV)
        environ.update({"PORT": str(self.port), "PYTHONPATH": str(ROOT / "src"), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"})
        environ.update(env)
        # The working directory is the project (not /tmp): a relative write would be caught.
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP], cwd=ROOT, env=environ,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self._wait_until_ready()

    def get(self, path: str) -> Tuple[int, Dict[str, str], bytes]:
        return self.request("GET", path)

    def request(self, method: str, path: str, data: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], bytes]:
        """(status, headers, body) of one request; an error status is an answer, not an exception."""
        req = urllib.request.Request(self.base_url + path, data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def _wait_until_ready(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise AssertionError(f"the server exited with {self.process.returncode}:\n{out}\n{err}")
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.process.kill()
        out, err = self.process.communicate()
        raise AssertionError(f"the server was not ready within {seconds} s:\n{out}\n{err}")

    def stop(self, seconds: float = 30) -> Tuple[int, List[dict], str]:
        """SIGTERM, as the kubelet stops a pod: (exit status, the JSON log lines, stderr)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            out, err = self.process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            raise AssertionError(f"no exit within {seconds} s of SIGTERM:\n{out}\n{err}")
        lines = []
        for line in out.splitlines():
            if line.strip():
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    raise AssertionError(f"a log line that is not JSON: {line!r}") from None
        return self.process.returncode, lines, err


@pytest.fixture
def server():
    """start(**env) -> a running Server; every server still running at the end is killed."""
    started: List[Server] = []

    def start(**env: str) -> Server:
        s = Server(env)
        started.append(s)
        return s

    yield start
    for s in started:
        if s.process.poll() is None:
            s.process.kill()
            s.process.communicate()
