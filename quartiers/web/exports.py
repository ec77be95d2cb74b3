"""Where the web app writes files offered for download (answers, dossiers): one temporary folder per
process, removed when it ends. Every click used to leave a ``/tmp/quartiers-*`` folder behind."""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from pathlib import Path

_FOLDER: list[Path] = []


def export_folder(content: str = "") -> Path:
    """The process's export folder, or, given ``content``, a subfolder named after it (the same content
    twice: the same place, so downloads keep their plain names)."""
    if not _FOLDER:
        folder = Path(tempfile.mkdtemp(prefix="quartiers-export-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _FOLDER.append(folder)
    if not content:
        return _FOLDER[0]
    sub = _FOLDER[0] / hashlib.sha256(content.encode()).hexdigest()[:12]
    sub.mkdir(exist_ok=True)
    return sub
