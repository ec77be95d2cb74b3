"""Folding of metadata values for matching: kept as an import path; ``fold`` lives in
``quartiers.text_toolkit`` (the one text toolkit)."""

from quartiers.text_toolkit import fold

__all__ = ["fold"]
