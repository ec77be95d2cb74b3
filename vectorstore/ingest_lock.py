"""Whether an ingestion is running on a store, across processes.

A build that no completion record names is either the leftover of a killed run or the work of an
ingestion still in progress; ``stats`` must tell them apart. Every ingestion holds a shared
``flock`` on ``STORE/ingest.lock`` for its whole run (several may run at once); a reader that can
take the lock exclusively knows none is running. The kernel drops the lock with its process, so a
SIGKILL never leaves a stale "running" state behind.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "ingest.lock"


@contextmanager
def ingesting(folder: Path) -> Iterator[None]:
    """Mark an ingestion as running on the store in ``folder`` until the block ends."""
    with (Path(folder) / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingestion_running(folder: Path) -> bool:
    """True while some process (this one included) is inside ``ingesting`` on this store."""
    path = Path(folder) / LOCK_NAME
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@contextmanager
def alone(folder: Path) -> Iterator[bool]:
    """True, holding the lock exclusively (no ingestion can start meanwhile), when no ingestion runs on
    the store; False at once otherwise. For the clean-up only the last of concurrent runs may do."""
    path = Path(folder) / LOCK_NAME
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
