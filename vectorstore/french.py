"""French text analysis for lexical matching: kept as an import path; the analysis lives in
``quartiers.text_toolkit`` (the one text toolkit)."""

from quartiers.text_toolkit import ANALYZER_VERSION, STOP_WORDS, analyse, tokens

__all__ = ["ANALYZER_VERSION", "STOP_WORDS", "analyse", "tokens"]
