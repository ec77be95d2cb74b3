"""Quartiers: the composition root (settings, CLI) and the bundled corpus."""

from pathlib import Path

__version__ = "0.1.0"

BUNDLED_CORPUS = Path(__file__).parent / "corpus"
