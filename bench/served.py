"""The real ``quartiers serve`` / ``quartiers ui`` in a subprocess on a free loopback port, stopped by PID: what
the benchmarks and the tests that talk to a served app both start (``bench/conversations.py``,
``tests/quartiers/api/``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.local_llm import free_port

ROOT = Path(__file__).resolve().parent.parent  # the checkout: ``python -m quartiers.cli`` runs its code


@dataclass(frozen=True)
class Running:
    url: str  # http://127.0.0.1:PORT
    log: Path

    @property
    def v1(self) -> str:
        return f"{self.url}/v1"


@contextmanager
def running(command: str, store: Path, env: dict[str, str] | None = None, ready: str = "/v1/models",
            ready_key: str | None = None, host: str = "127.0.0.1") -> Iterator[Running]:
    port = free_port()
    log = store.parent / f"{command}-{port}.log"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")}
    full_env.update({"HF_HUB_OFFLINE": "1", **(env or {})})
    with log.open("w") as out:
        command_line = [sys.executable, "-m", "quartiers.cli", command, "--store", str(store), "--host", host,
                        "--port", str(port)]
        server = subprocess.Popen(command_line, stdout=out, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {ready_key}"} if ready_key else {}
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(urllib.request.Request(url + ready, headers=headers), timeout=2)
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.5)
        yield Running(url, log)
    finally:
        stop(server, timeout=20)


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Stop a server this process started, by its PID: politely, then by force after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
