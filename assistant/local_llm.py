"""A local OpenAI-compatible server for a GGUF model, through ``xllamacpp`` (prebuilt llama.cpp).

``QUARTIERS_LLM_GGUF=/path/model.gguf`` makes the app start one on a free loopback port. It runs in a
child process (``python -m assistant.local_llm``), so a crash in llama.cpp cannot take the app down,
and stopping it is one signal to one PID. The API key is handed over in the child's environment, never
on its command line (which other local users can read).

    server = LocalServer.start(Path("model.gguf"))   # waits until /health answers
    ...  # server.base_url, server.api_key
    server.stop()
"""

from __future__ import annotations

import atexit
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pydantic import SecretStr

KEY_VARIABLE = "QUARTIERS_LOCAL_LLM_KEY"
CONTEXT_TOKENS = 8192  # five passages of ~300 words and the instructions fit with room to answer


class LocalServerError(RuntimeError):
    """The local model could not be started; the message is French."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalServer:
    def __init__(self, process: subprocess.Popen[bytes], port: int, api_key: SecretStr, log: Path | None) -> None:
        self.process, self.port, self.api_key, self.log = process, port, api_key, log

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @classmethod
    def start(cls, gguf: Path, *, api_key: SecretStr | None = None, port: int | None = None,
              log: Path | None = None, wait_s: float = 120.0) -> LocalServer:
        if not gguf.is_file():
            raise LocalServerError(f"modèle GGUF introuvable : {gguf}")
        key = api_key or SecretStr(secrets.token_urlsafe(24))  # no other local user can use our server
        port = port or free_port()
        env = {**os.environ, KEY_VARIABLE: key.get_secret_value()}
        output = log.open("ab") if log else subprocess.DEVNULL
        process = subprocess.Popen([sys.executable, "-m", "assistant.local_llm", str(gguf), str(port)],
                                   env=env, stdout=output, stderr=output, stdin=subprocess.DEVNULL)
        server = cls(process, port, key, log)
        atexit.register(server.stop)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LocalServerError(f"serveur arrêté au démarrage (code {process.returncode})")
            if server.healthy():
                return server
            time.sleep(0.2)
        server.stop()
        raise LocalServerError(f"le modèle local n'a pas démarré en {wait_s:.0f} s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve(gguf: Path, port: int, api_key: str) -> None:
    """Run llama.cpp's server in this process until it is signalled (the child's side of ``start``)."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(gguf)
    params.hostnames = ["127.0.0.1"]  # loopback only
    params.port = port
    params.api_keys = [api_key] if api_key else []
    params.n_ctx = CONTEXT_TOKENS
    params.n_parallel = 1  # one answer at a time: two cores gain nothing from parallel slots
    threads = max(1, os.cpu_count() or 1)
    for cpu in (params.cpuparams, params.cpuparams_batch):
        cpu.n_threads = threads
        cpu.poll = 0  # no busy-waiting between batches: the app (and its embedder) share these cores
    params.sampling.seed = 42
    server = xllamacpp.Server(params)  # noqa: F841 — the server lives as long as this object
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]), os.environ.pop(KEY_VARIABLE, ""))
