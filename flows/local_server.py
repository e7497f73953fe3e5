"""A local Prefect server for one run, started before Prefect is imported.

With no PREFECT_API_URL, Prefect starts a temporary server itself, from inside the
flow: it first imports the server's code into the flow process (~1.5 s of CPU before
the first batch, and ~77 MB the flow process then holds for the whole run, measured),
then waits ~3 s for it to boot. Started here instead, with Prefect's own command
(`prefect server start`) as a subprocess, the server boots while the run imports its
code, the flow process never loads it, and every part of the run (the flow, its
background threads, the batch workers) finds it through PREFECT_API_URL, the setting
Prefect documents for this. Prefect itself is not imported here: only
flows/pipeline.py does that.

The server keeps its history in Prefect's home (PREFECT_HOME, ~/.prefect), as
Prefect's own temporary server does, and stops when the run ends; on Linux also when
the run is killed.

Prefect builds a TLS context for every API client it makes, even for a plain-HTTP
URL, from certifi's ~140 certificates: 14 ms each, and a batch task makes two or
three (0.6 s of worker CPU in a 20,000-document run, measured). The run's own server
speaks plain HTTP on loopback, so no certificate is ever checked: its clients are
given a CA file of one certificate (PREFECT_API_SSL_CERT_FILE), 0.25 ms a context.
20,000 documents, three runs each: 18.4 → 17.7 s.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

STARTUP_TIMEOUT = 60.0  # seconds; a first start on a new machine migrates the database
# Runs `prefect server start` in this process after asking Linux to send it SIGTERM
# when the process that started it dies (even by SIGKILL); elsewhere the server is
# stopped when the run's block ends.
_BOOTSTRAP = """
import ctypes, os, runpy, signal, sys
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the run died before the request took effect
sys.argv = ["prefect", *sys.argv[2:]]
runpy.run_module("prefect", run_name="__main__", alter_sys=True)
"""
# The scheduler and late-run services serve deployments; a single run has none.
SERVER_ARGS = ("server", "start", "--host", "127.0.0.1", "--no-ui", "--no-scheduler",
               "--no-late-runs", "--analytics-off")  # fmt: skip


def wanted() -> bool:
    """Whether a run in this process needs its own server: no PREFECT_API_URL is set,
    and Prefect is not loaded yet (once it is, its settings decide, as in a test
    harness or a notebook)."""
    return not os.environ.get("PREFECT_API_URL") and "prefect" not in sys.modules


def _one_certificate(folder: str) -> str | None:
    """A CA file holding certifi's first certificate (see the module's docstring);
    None if certifi's bundle cannot be read (Prefect then reads it as usual)."""
    try:
        import certifi  # installed with Prefect (httpx needs it)

        bundle = Path(certifi.where()).read_text(encoding="ascii")
    except (ImportError, OSError, UnicodeDecodeError):
        return None
    first = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", bundle, re.S)
    if first is None:
        return None
    path = Path(folder) / "loopback-ca.pem"
    path.write_text(first.group(0), encoding="ascii")
    return str(path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    """Whether a Prefect server answers its health check at API `url`."""
    with (
        contextlib.suppress(urllib.error.URLError, OSError),
        urllib.request.urlopen(f"{url}/health", timeout=2) as response,
    ):
        return bool(response.status == 200)
    return False


class LocalServer:
    """`prefect server start` on a free local port, as a subprocess."""

    def __init__(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        # What the server prints, for the error message if it fails (a pipe nobody
        # reads could fill up and stall it).
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, str(os.getpid()), *SERVER_ARGS,
             "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
        )  # fmt: skip

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Return once the server answers; raise RuntimeError (with what it printed)
        when it exits or stays silent."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if answers(self.url):
                return
            time.sleep(0.1)
        code = self.process.poll()
        self._log.seek(0)
        said = self._log.read().decode(errors="replace").strip()[-800:]
        self.stop()
        what = f"exited (code {code})" if code is not None else f"gave no answer in {timeout:.0f} s"
        raise RuntimeError(
            f"the local Prefect server at {self.url} {what}"
            + (f": {said}" if said else "")
            + ". Run again, or start a server with `prefect server start` and set "
            "PREFECT_API_URL (see the README)."
        )

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextlib.contextmanager
def for_this_run() -> Iterator[LocalServer | None]:
    """Start a local server for the runs in this block when `wanted()`, and name it
    in PREFECT_API_URL at once (with a one-certificate PREFECT_API_SSL_CERT_FILE
    unless one is set), so that Prefect reads it when it is imported; call
    `wait_ready()` before the first flow. Yields None when no server was needed."""
    if not wanted():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="newsclean-api-") as folder:
        unset = not os.environ.get("PREFECT_API_SSL_CERT_FILE")
        ca_file = _one_certificate(folder) if unset else None
        server = LocalServer()
        added = {"PREFECT_API_URL": server.url}
        if ca_file:
            added["PREFECT_API_SSL_CERT_FILE"] = ca_file
        os.environ.update(added)
        try:
            yield server
        finally:
            for key in added:
                os.environ.pop(key, None)
            server.stop()
