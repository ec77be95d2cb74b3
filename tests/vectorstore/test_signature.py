"""The near-duplicate signature: computed with numpy, it must equal the integer formula stored signatures
were made with (a record written by an older build is compared with a new document's signature)."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import REPORT_MD
from vectorstore.keys import fold
from vectorstore.signature import _MASK, _PERMUTATIONS, NEAR_DUPLICATE, signature, similarity


def _integer_signature(text: str, shingle: int = 3) -> list[int]:
    """The former implementation, in Python integers (no wrap-around at 64 bits)."""
    words = re.findall(r"\w+", fold(text))
    shingles = {" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles]
    return [min(((h * (2 * seed + 1) + seed) >> 7) & _MASK for h in hashes) for seed in range(_PERMUTATIONS)]


def test_the_signature_is_the_integer_formulas() -> None:
    text = REPORT_MD.read_text(encoding="utf-8")
    for sample in (text, text[:3_000], "Un mot.", ""):
        assert signature(sample) == _integer_signature(sample)
    assert all(type(value) is int for value in signature("Un mot."))  # JSON-serialisable in the record


def test_an_edited_copy_is_a_near_duplicate_and_another_text_is_not() -> None:
    text = REPORT_MD.read_text(encoding="utf-8")
    edited = text.replace("Nantes", "Rennes", 3)
    assert similarity(signature(text), signature(edited)) >= NEAR_DUPLICATE
    assert similarity(signature(text), signature(text[: len(text) // 3])) < NEAR_DUPLICATE
