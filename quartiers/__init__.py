"""Quartiers: the user-facing parts (CLI, web app, API), their settings and wiring
(``quartiers.components``), and the bundled corpus."""

from pathlib import Path

__version__ = "0.1.0"

BUNDLED_CORPUS = Path(__file__).parent / "corpus"
