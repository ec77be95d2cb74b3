"""``parse_file`` under a time bound: a file that takes too long is refused by name, the others go on.

Parsing is CPU-bound Python (pypdf, PDFium, pdfplumber, Tesseract) that no thread can interrupt, so it
runs in a child process (``python -m ingest.bounded``, started once and reused for the next files)
that is killed when a file exceeds ``QUARTIERS_MAX_FILE_SECONDS`` (default 600; 0 parses in-process,
without a bound). Nothing is written to the store during parsing, so a refused file changes nothing
stored. The child also isolates the caller from a loader that crashes its interpreter.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from ingest.errors import IngestError
from ingest.model import ParsedDocument
from ingest.pipeline import parse_file

DEFAULT_SECONDS = 600.0  # a 114-page LaTeX PDF takes about 10 s here, a 100-page scan (OCR) about 6 min
STARTUP_SECONDS = 120.0
_HEADER = struct.Struct("!Q")


def max_file_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("QUARTIERS_MAX_FILE_SECONDS", DEFAULT_SECONDS)))
    except ValueError:
        return DEFAULT_SECONDS


def parse_file_within(path: Path, source: str | None = None, seconds: float | None = None) -> ParsedDocument:
    """``parse_file(path, source)``, refused with an IngestError when it takes more than ``seconds``."""
    seconds = max_file_seconds() if seconds is None else seconds
    if seconds <= 0:
        return parse_file(path, source=source)
    with _LOCK:  # one child, one file at a time (the store takes one writer at a time anyway)
        return _WORKER.parse(Path(path), source, seconds)


class _Worker:
    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def parse(self, path: Path, source: str | None, seconds: float) -> ParsedDocument:
        process = self._running(path)
        assert process.stdin is not None and process.stdout is not None
        env = {k: v for k, v in os.environ.items() if k.startswith("QUARTIERS_")}  # limits set after start
        try:
            _send(process.stdin, (str(path), source, env))
            status, value = _receive(process.stdout, time.monotonic() + seconds)
        except TimeoutError:
            self.stop()
            raise IngestError(path, f"lecture trop longue (plus de {seconds:g} s), fichier ignoré ; "
                                    "réglage QUARTIERS_MAX_FILE_SECONDS") from None
        except (OSError, EOFError, pickle.UnpicklingError):
            self.stop()
            raise IngestError(path, "la lecture du fichier a fait échouer le processus de lecture") from None
        if status == "ok":
            return value  # type: ignore[no-any-return]
        raise value

    def _running(self, path: Path) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            root = str(Path(__file__).resolve().parent.parent)
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
            # its own session: a kill also takes Tesseract, which it may have started
            self.process = subprocess.Popen([sys.executable, "-m", "ingest.bounded"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, env=env, start_new_session=True)
            assert self.process.stdout is not None
            try:  # its imports (a few seconds on a loaded machine) do not count against the first file
                _receive(self.process.stdout, time.monotonic() + STARTUP_SECONDS)
            except (TimeoutError, EOFError, OSError, pickle.UnpicklingError):
                self.stop()
                raise IngestError(path, "le processus de lecture des fichiers n'a pas démarré") from None
        return self.process

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes], deadline: float) -> Any:
    header = _read(stream, _HEADER.size, deadline)
    return pickle.loads(_read(stream, _HEADER.unpack(header)[0], deadline))


def _read(stream: IO[bytes], size: int, deadline: float) -> bytes:
    data = bytearray()
    while len(data) < size:
        if not select.select([stream], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError
        chunk = os.read(stream.fileno(), size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _serve() -> None:
    """The child: parse each requested file, answer with the document or the exception raised."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    _send(answers, "ready")
    while header := requests.read(_HEADER.size):
        path, source, env = pickle.loads(requests.read(_HEADER.unpack(header)[0]))
        for name in [n for n in os.environ if n.startswith("QUARTIERS_") and n not in env]:
            del os.environ[name]
        os.environ.update(env)
        try:
            answer: tuple[str, Any] = ("ok", parse_file(Path(path), source=source))
        except Exception as error:  # handed to the caller as if parse_file had raised it there
            try:
                pickle.dumps(error)
                answer = ("error", error)
            except Exception:
                answer = ("error", RuntimeError(repr(error)))
        _send(answers, answer)


_WORKER = _Worker()
_LOCK = threading.Lock()
atexit.register(_WORKER.stop)

if __name__ == "__main__":
    _serve()
