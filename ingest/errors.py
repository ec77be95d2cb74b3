"""Errors a user can act on: each names the file and says what is wrong, in French."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested. ``str(error)`` is the line shown to the user."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name} : {reason}")

    def __reduce__(self) -> tuple[type[IngestError], tuple[Path, str]]:  # sent back by the parsing child
        return (IngestError, (self.path, self.reason))
