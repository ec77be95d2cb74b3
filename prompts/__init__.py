"""Prompt templates for LLM use, in French, kept as files and loaded by name."""

from __future__ import annotations

from pathlib import Path

_FOLDER = Path(__file__).parent


def load(name: str) -> str:
    """The template ``prompts/NAME.txt``; placeholders use ``str.format`` fields such as ``{question}``."""
    path = _FOLDER / f"{name}.txt"
    if not path.is_file():
        available = ", ".join(sorted(p.stem for p in _FOLDER.glob("*.txt")))
        raise KeyError(f"gabarit « {name} » introuvable (disponibles : {available})")
    return path.read_text(encoding="utf-8")
