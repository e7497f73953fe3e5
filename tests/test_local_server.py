"""`newsclean run` with no PREFECT_API_URL: one local Prefect server, started before
Prefect loads, that records the run and stops with it, even when the run is killed."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import psutil
import pytest

from flows import local_server
from tests.conftest import SEEDS


def _is_server(proc: psutil.Process) -> bool:
    """`prefect server start` (ours), or Prefect's own temporary server."""
    try:
        args = proc.cmdline()
    except psutil.Error:
        return False
    ours = ("server", "start") in itertools.pairwise(args)
    return ours or "prefect.server.api.server:create_app" in args


def _child_of_a_server(proc: psutil.Process) -> bool:
    try:
        return _is_server(psutil.Process(proc.ppid()))
    except psutil.Error:
        return False


def _servers_of(root: int, seen: dict[int, str], stop: threading.Event) -> None:
    """Collect every Prefect server process under `root` until `stop`. Only those a
    server did not start: a server forks helpers (platform runs `file` on the
    interpreter), which show its command line until they exec."""
    while not stop.wait(0.05):
        try:
            children = psutil.Process(root).children(recursive=True)
        except psutil.Error:
            return
        children = [p for p in children if not _child_of_a_server(p)]
        for proc in children:
            if proc.pid not in seen and _is_server(proc):
                with contextlib.suppress(psutil.Error):
                    seen[proc.pid] = f"parent {proc.ppid()}: {' '.join(proc.cmdline())[-200:]}"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Prefect home of the module's own (its database is migrated once)."""
    return tmp_path_factory.mktemp("prefect-home")


def _run(
    prefect_home: Path, out: Path, *extra: str, env_extra: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(env_extra or {})
    env["PREFECT_HOME"] = str(prefect_home)
    # The run's temporary files land here: a SIGKILLed run cannot remove them.
    (out / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(out / "tmp")
    cli = [sys.executable, "-c", "import sys; from flows.cli import main; sys.exit(main())"]
    return subprocess.Popen(
        [*cli, "run", "--input", str(SEEDS), "--warehouse", str(out / "wh.duckdb"),
         "--reports-dir", str(out / "reports"), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def test_a_run_starts_one_server_that_records_it_and_stops(
    prefect_home: Path, tmp_path: Path
) -> None:
    run = _run(prefect_home, tmp_path, "--batch-size", "2", "--runner", "processes")
    seen: dict[int, str] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=_servers_of, args=(run.pid, seen, stop))
    watcher.start()
    output, _ = run.communicate(timeout=300)
    stop.set()
    watcher.join()
    assert run.returncode == 0, output[-3000:]
    # One server for the run (not Prefect's own besides), gone once the run is over.
    assert len(seen) == 1, seen
    assert not any(psutil.pid_exists(pid) for pid in seen)
    # It recorded the run: five seeds in batches of two are three batch tasks (on the
    # worker processes) and one load (a group holds up to ~8,000 documents).
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        names = [name for (name,) in db.execute("select name from task_run")]
    assert sum(n.startswith("batch-") for n in names) == 3, names
    assert sum(n.startswith("load-") for n in names) == 1, names


def _server_of(run: subprocess.Popen[str]) -> psutil.Process:
    server = None
    deadline = time.monotonic() + 120
    while server is None and time.monotonic() < deadline and run.poll() is None:
        servers = [p for p in psutil.Process(run.pid).children() if _is_server(p)]
        server = servers[0] if servers else None
        time.sleep(0.05)
    assert server is not None, "no server was started"
    return server


def test_the_server_stops_when_the_run_is_killed(prefect_home: Path, tmp_path: Path) -> None:
    run = _run(prefect_home, tmp_path)
    server = _server_of(run)
    time.sleep(1)  # well into its start-up
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.stdout is not None
    run.stdout.close()
    _, alive = psutil.wait_procs([server], timeout=20)
    for orphan in alive:
        orphan.kill()
    assert not alive, "the server outlived the run"


def test_sigterm_ends_the_run_like_ctrl_c(prefect_home: Path, tmp_path: Path) -> None:
    """`timeout`, systemd and `docker stop` send SIGTERM: the run says so, exits 143,
    and leaves neither the server nor its temporary folder behind."""
    run = _run(prefect_home, tmp_path)
    server = _server_of(run)
    time.sleep(1)
    run.send_signal(signal.SIGTERM)
    output, _ = run.communicate(timeout=60)
    _, alive = psutil.wait_procs([server], timeout=20)
    for orphan in alive:
        orphan.kill()
    assert run.returncode == 128 + signal.SIGTERM, output[-2000:]
    assert "newsclean: terminated" in output
    assert not alive, "the server outlived the run"
    assert not list((tmp_path / "tmp").iterdir())


def test_no_server_when_one_is_named_or_prefect_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setitem(sys.modules, "prefect", types.ModuleType("prefect"))
    assert not local_server.wanted()  # loaded: its settings decide (a test harness)
    monkeypatch.delitem(sys.modules, "prefect")
    assert local_server.wanted()
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert not local_server.wanted()
    monkeypatch.delenv("PREFECT_API_URL")
    with local_server.for_this_run() as server:
        assert server is not None
        assert os.environ["PREFECT_API_URL"] == server.url
    assert "PREFECT_API_URL" not in os.environ
    assert server.process.poll() is not None  # not waited for: stopped on the way out


def test_the_run_s_clients_get_a_one_certificate_ca_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prefect builds a TLS context per client even for plain HTTP; the run's own
    loopback server lets it load one certificate instead of certifi's bundle."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_SSL_CERT_FILE", raising=False)
    monkeypatch.delitem(sys.modules, "prefect", raising=False)
    with local_server.for_this_run() as server:
        assert server is not None and server.url.startswith("http://127.0.0.1:")
        ca_file = Path(os.environ["PREFECT_API_SSL_CERT_FILE"])
        context = ssl.create_default_context(cafile=str(ca_file))
        assert context.cert_store_stats()["x509_ca"] == 1
    assert "PREFECT_API_SSL_CERT_FILE" not in os.environ
    assert not ca_file.exists()
    # A file the user named is theirs: kept, and none of ours is made.
    monkeypatch.setenv("PREFECT_API_SSL_CERT_FILE", "/etc/their-ca.pem")
    with local_server.for_this_run():
        assert os.environ["PREFECT_API_SSL_CERT_FILE"] == "/etc/their-ca.pem"
    assert os.environ["PREFECT_API_SSL_CERT_FILE"] == "/etc/their-ca.pem"


def test_a_server_that_cannot_start_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_server, "SERVER_ARGS", ("server", "start", "--no-such-flag"))
    server = local_server.LocalServer()
    with pytest.raises(RuntimeError, match=r"exited \(code [1-9]") as failure:
        server.wait_ready(timeout=60)
    assert "PREFECT_API_URL" in str(failure.value)
    assert server.process.poll() is not None


def test_a_verbose_run_says_each_line_once_and_its_logs_reach_the_server(
    prefect_home: Path, tmp_path: Path
) -> None:
    """With --verbose, the run's progress goes to the console once (it was printed
    twice), and its logs are sent while the server is up: Prefect sent the last of
    them at exit, found no server, and retried for over a minute before printing
    "Error logging to API". Prefect sends them every few seconds; given 10 minutes,
    they are all still queued when the flow ends."""
    run = _run(
        prefect_home, tmp_path, "--batch-size", "2", "--runner", "processes", "-v",
        env_extra={"PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "600"},
    )  # fmt: skip
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, output[-3000:]
    assert "Error logging to API" not in output, output[-3000:]
    progress = [line for line in output.splitlines() if line.startswith("batch ")]
    assert sorted(progress) == sorted(set(progress)), progress
    assert len(progress) == 3, output[-3000:]  # five seeds in batches of two
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        logged = [message for (message,) in db.execute("select message from log")]
    assert sum(m.startswith("batch ") and "documents cleaned" in m for m in logged) >= 3
    assert any(m.startswith("loaded batches 1-3/3") for m in logged), logged[-20:]
