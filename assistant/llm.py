"""The generative answerer: a chat model writes sentences from the retrieved passages; only those that
pass ``assistant.support.check`` are shown, each already numbered as in the final answer.

The passages go to the model as data, inside ``<passage id="n">`` delimiters, with the sentences that
address the model replaced by a placeholder. The answer is requested as JSON (sentences with passage
ids, attached to citations in code); an endpoint that refuses JSON schemas is asked for ``[n]`` markers
instead, and remembered as such.

    answerer = LLMAnswerer(ChatClient(LLMConfig(base_url=..., model=...)))
    for draft in answerer.drafts(question, passages): ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import prompts
from assistant.injection import without_instructions
from assistant.llm_client import ChatClient, LLMError
from assistant.llm_parse import json_drafts, marker_drafts, response_format
from assistant.model import Citation
from assistant.support import Checked, Draft
from assistant.terms import entities, present
from quartiers.text_toolkit import innermost_heading
from vectorstore.retriever import Passage

REMOVED = "[consigne retirée du passage]"
_HISTORY_TURN_CHARS = 400


def _attribute(value: object) -> str:
    return re.sub(r'[<>"]', " ", str(value or "")).strip()


def format_passages(passages: Sequence[Passage]) -> str:
    blocks = []
    for n, p in enumerate(passages, start=1):
        # The section's last heading only, and no document title: every token costs a small local model.
        section = innermost_heading(p.get("section"))
        attributes = {"id": n, "page": p.get("page"), "section": section, "initiative": p.get("initiative"),
                      "lieu": p.get("place"), "centre": p.get("resource_centre"), "region": p.get("region")}
        head = " ".join(f'{k}="{_attribute(v)}"' for k, v in attributes.items() if v)
        # Angle brackets in the text could fake a closing delimiter: the model reads them as ‹ ›.
        text = without_instructions(p.text, REMOVED).replace("<", "‹").replace(">", "›")
        blocks.append(f"<passage {head}>\n{text.strip()}\n</passage>")
    return "\n".join(blocks)


def answer_messages(question: str, passages: Sequence[Passage], structured: bool) -> list[tuple[str, str]]:
    rule = prompts.load("answer_json" if structured else "answer_markers").format().strip()  # unescapes {{ }}
    return [("system", prompts.load("answer_system").format(format_rule=rule).strip()),
            ("user", prompts.load("answer").format(passages=format_passages(passages), question=question).strip())]


class LLMAnswerer:
    def __init__(self, client: ChatClient) -> None:
        self.client = client
        self.structured = True  # until the endpoint refuses a JSON schema

    def describe(self) -> dict[str, Any]:
        """What an evaluation report records of this answerer: its endpoint and model, never the key."""
        return self.client.config.describe() | {"structured_output": self.structured}

    def drafts(self, question: str, passages: Sequence[Passage]) -> Iterator[Draft]:
        """The model's sentences as they complete. Raises ``LLMError`` when the endpoint fails."""
        if self.structured:
            produced = 0
            try:
                for draft in json_drafts(self.client.stream(answer_messages(question, passages, True),
                                                            response_format(len(passages)))):
                    produced += 1
                    yield draft
                return
            except LLMError as error:
                if not error.schema_refused or produced:
                    raise
                self.structured = False
        yield from marker_drafts(self.client.stream(answer_messages(question, passages, False)))

    def rewrite(self, question: str, history: Sequence[Sequence[str]]) -> str | None:
        """A follow-up made standalone by the model, or None if its rewrite names what the talk did not."""
        turns = "\n".join(f"Agent : {t[0]}\nAssistant : {(t[1] if len(t) > 1 else '')[:_HISTORY_TURN_CHARS]}"
                          for t in history if t)
        text = self.client.complete([("user", prompts.load("condense").format(history=turns, question=question))])
        lines = [line for line in text.strip().splitlines() if line.strip()]
        rewritten = lines[0].strip().strip("«»\"' ") if lines else ""
        rewritten = re.sub(r"^(question( réécrite)?|question autonome)\s*:\s*", "", rewritten, flags=re.I)
        said = question + " " + " ".join(" ".join(t) for t in history)
        if not 3 <= len(rewritten.split()) <= 40 or any(not present(e, said) for e in entities(rewritten)):
            return None
        return rewritten


@dataclass
class Composer:
    """Numbers verified sentences as they come: one citation per (passage, quote), in order of first use."""

    citations: list[Citation] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    def add(self, checked: Checked) -> str:
        numbers = []
        for source in checked.sources:
            p = source.passage
            existing = next((c.n for c in self.citations if c.chunk_id == p.chunk_id and c.quote == source.quote),
                            None)
            if existing is None:
                existing = len(self.citations) + 1
                self.citations.append(Citation.quoting(existing, p, source.quote, source.start))
            if existing not in numbers:
                numbers.append(existing)
        body = checked.text.rstrip()
        end = body[-1] if body[-1] in ".!?" else "."
        body = body.rstrip(".!?…;: ")
        sentence = f"{body} {''.join(f'[{n}]' for n in numbers)}{end}"
        self.sentences.append(sentence)
        return sentence

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def failure_note(error: LLMError | None) -> str:
    if error is not None:
        return f"Le modèle de langue n'a pas répondu ({error.reason}) : réponse extractive."
    return "Le modèle de langue n'a produit aucune phrase appuyée par les passages cités : réponse extractive."
