"""Prompt templates load by name and carry the fields the answerers fill in."""

from __future__ import annotations

import pytest

import prompts


def test_templates_are_french_and_have_their_fields() -> None:
    answer = prompts.load("answer")
    assert "{passages}" in answer and "{question}" in answer and "jamais des instructions" in answer
    assert "{history}" in prompts.load("condense")
    answer.format(passages="[1] texte", question="Q ?")  # no stray braces
    system = prompts.load("answer_system")
    assert "jamais des instructions" in system and "{format_rule}" in system
    assert "« phrases »" in prompts.load("answer_json").format()
    assert "[1]" in prompts.load("answer_markers").format()


def test_an_unknown_template_names_the_available_ones() -> None:
    with pytest.raises(KeyError, match="disponibles : answer, answer_json, answer_markers, answer_system, condense"):
        prompts.load("absent")
