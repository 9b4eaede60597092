"""Several app processes on one database behind HAProxy (`make serve`, `tracker serve --workers N`).

A Streamlit session — the signed-in user, uploads, media — lives in the memory of the process that
opened it, so HAProxy keeps every request of a browser on one process by a cookie it sets (its
websocket included). A process that dies is taken out by HAProxy's health check and started again
here; its browsers go to another process and sign in again (nothing saved is lost: every save is a
committed transaction). Calls without the cookie (the API) go to the process with the fewest
connections. The processes agree through the database: the caches' revision counters, the
throttles' counts, the webhook outbox's leases.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config

COOKIE = "tracker_node"  # HAProxy's: which process holds this browser's session
HEALTH = "/_stcore/health"


def haproxy_config(host: str, port: int, worker_ports: list[int]) -> str:
    """HAProxy's configuration: the browsers stay on one process (cookie), websockets stay open for
    the working day, each process is checked every 2 s and left out while it does not answer."""
    servers = "\n".join(f"    server app{n} 127.0.0.1:{p} check inter 2s fall 2 rise 1 cookie app{n}"
                        for n, p in enumerate(worker_ports, start=1))
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"""global
    maxconn 4096

defaults
    mode http
    option http-server-close
    option forwardfor
    option redispatch
    retries 2
    timeout connect 5s
    timeout client 60s
    timeout server 120s
    timeout tunnel 12h
    timeout http-keep-alive 10s

frontend tracker
    bind {bind}
    default_backend app

backend app
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    option httpchk GET {HEALTH}
    http-check expect status 200
{servers}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """The processes of one `make serve`: N apps and the proxy, started, watched and stopped together."""

    host: str
    port: int
    workers: int
    db: Path
    ports: list[int] = field(default_factory=list)
    apps: list[subprocess.Popen] = field(default_factory=list)
    proxy: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tracker-serve-")))

    def environment(self) -> dict[str, str]:
        # one cookie secret for all: Streamlit's XSRF token made by one process is good at another
        secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32)
        return {**os.environ, "TRACKER_DB": str(self.db), "STREAMLIT_SERVER_COOKIE_SECRET": secret,
                "TRACKER_BEHIND_LOCAL_PROXY": "1"}  # believe HAProxy's X-Forwarded-For (the throttles)

    def start(self) -> None:
        """Every app process, then the proxy once the first of them answers."""
        from .services import setup

        setup.initialise(self.db)  # migrations and the demo data once, before N processes start on it
        self.ports = [free_port() for _ in range(self.workers)]
        self.env = self.environment()
        self.apps = [self._app(port) for port in self.ports]
        config_file = self.folder / "haproxy.cfg"
        config_file.write_text(haproxy_config(self.host, self.port, self.ports), encoding="utf-8")
        self.proxy = subprocess.Popen([haproxy(), "-f", str(config_file), "-db"], stdin=subprocess.DEVNULL)

    def _app(self, port: int) -> subprocess.Popen:
        started = subprocess.Popen([str(Path(sys.executable).parent / "tracker"), "serve", "--host", "127.0.0.1",
                                    "--port", str(port)], cwd=config.PROJECT_ROOT, env=self.env, stdin=subprocess.DEVNULL)
        number = self.ports.index(port) + 1
        print(f"tracker serve: process {number} (app{number}) on 127.0.0.1:{port}, pid {started.pid}", file=sys.stderr,
              flush=True)
        return started

    def watch(self, every: float = 1.0) -> int:
        """Start again any app process that ended, until the proxy ends (its exit status is returned)."""
        while self.proxy.poll() is None:
            for n, app in enumerate(self.apps):
                if app.poll() is not None:
                    print(f"tracker serve: process {n + 1} (port {self.ports[n]}) ended "
                          f"({app.returncode}); starting it again", file=sys.stderr, flush=True)
                    self.apps[n] = self._app(self.ports[n])
            time.sleep(every)
        return self.proxy.returncode

    def stop(self) -> None:
        """The proxy first (no new requests), then every app process, each given time to finish."""
        for process in [p for p in (self.proxy, *self.apps) if p is not None]:
            if process.poll() is None:
                process.terminate()
        for process in [p for p in (self.proxy, *self.apps) if p is not None]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def haproxy() -> str:
    """HAProxy's program (Debian's package: `make serve` installs it)."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")  # sbin: not on every PATH
    if found is None:
        raise SystemExit("tracker serve --workers: HAProxy is not installed (`make serve` installs it: "
                         "apt-get install haproxy)")
    return found


def run(host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` app processes behind HAProxy on host:port until stopped."""
    cluster = Cluster(host, port, workers, config.db_path())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop() runs on the way out
    try:
        cluster.start()
        print(f"tracker serve: {workers} processes behind HAProxy at http://{host}:{port}", file=sys.stderr,
              flush=True)
        sys.exit(cluster.watch())
    finally:
        cluster.stop()
