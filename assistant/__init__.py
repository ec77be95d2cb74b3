"""Grounded answers with quoted citations: the one entry point of the UI, the CLI and the evaluation."""

from assistant.chain import Assistant
from assistant.factory import build_assistant
from assistant.model import Answer, Citation

__all__ = ["Answer", "Assistant", "Citation", "build_assistant"]
