"""What an answer is: kept as an import path; the classes live in ``quartiers.results`` (no heavy imports)."""

from quartiers.results import Answer, Citation, Passage

__all__ = ["Answer", "Citation", "Passage"]
