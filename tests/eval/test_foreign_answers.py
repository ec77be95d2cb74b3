"""dev-foreign's question lines become evaluation items scored by the same metric code as ``quartiers eval``."""

from __future__ import annotations

import json
from pathlib import Path

from eval.foreign_answers import load_foreign


def test_foreign_lines_become_items_with_their_type_history_gold_and_answerability(tmp_path: Path) -> None:
    rows = [
        {"id": "dev-erc-13", "doc": "erc.pdf", "question": "Et si le document prévoit seulement une neutralité ?",
         "gold": ["une obligation de neutralité hydraulique pour les pluies trentennales"], "facts": ["PZR"],
         "answerable": True, "pdf_pages": [13], "type": "follow-up", "history": [["Quelle pondération ?", "0,8."]]},
        {"id": "dev-erc-14", "doc": "erc.pdf", "question": "Quel montant par hectare ?", "gold": [], "facts": [],
         "answerable": False, "pdf_pages": [], "type": "unanswerable"},
    ]
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    follow_up, unanswerable = load_foreign(path)
    assert (follow_up.category, follow_up.split) == ("follow-up", "foreign")
    assert follow_up.history == [["Quelle pondération ?", "0,8."]]
    assert follow_up.gold[0].page == 13 and follow_up.facts == ["PZR"] and follow_up.answerable
    assert unanswerable.category == "unanswerable" and not unanswerable.answerable and unanswerable.gold == []
