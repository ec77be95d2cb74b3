"""The evaluation question set (``eval/questions.jsonl``), split once into tuning and held-out halves."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.keys import fold

QUESTIONS = Path(__file__).parent / "questions.jsonl"


@dataclass
class Gold:
    excerpt: str
    page: int


@dataclass
class Item:
    id: str
    split: str  # tune | heldout
    category: str
    question: str
    history: list[list[str]] = field(default_factory=list)
    gold: list[Gold] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    answerable: bool = True


def load_items(path: Path = QUESTIONS) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            data["gold"] = [Gold(**g) for g in data.get("gold", [])]
            items.append(Item(**data))
    return items


def normalise_for_match(text: str) -> str:
    """Words only: case, accents, punctuation, line breaks and ligatures don't decide a match."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def contains_gold(passage: str, gold: Gold) -> bool:
    """The excerpt is in the passage, or (cut by a chunk boundary) its first or second half is, at length."""
    text, excerpt = normalise_for_match(passage), normalise_for_match(gold.excerpt)
    if excerpt in text:
        return True
    words = excerpt.split()
    half = len(words) // 2
    return half >= 5 and (" ".join(words[:half]) in text or " ".join(words[half:]) in text)
