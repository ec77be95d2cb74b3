"""What ``quartiers eval`` prints and writes per half and per category (no store: results built by hand)."""

from __future__ import annotations

from assistant import Answer
from eval.dataset import Item
from eval.grounding import ItemResult, by_split_and_category, summarise
from eval.report import markdown, split_category_lines


def _result(split: str, category: str, facts: float | None, words: int, *, refused: bool = False,
            answerable: bool = True) -> ItemResult:
    item = Item(id=f"{split}-{category}-{words}", split=split, category=category, question="Qui ?",
                facts=["x"] if answerable else [], answerable=answerable)
    answer = Answer(question=item.question, rewritten_question=item.question, answer=" ".join(["mot"] * words),
                    refused=refused)
    return ItemResult(item, answer, None, facts, 0, 0, 0, True, words)


RESULTS = [
    _result("tune", "multi", 1.0, 10), _result("tune", "multi", 1.0, 20),
    _result("heldout", "multi", 0.0, 30), _result("heldout", "multi", 0.5, 200), _result("heldout", "multi", 0.25, 40),
    _result("heldout", "multi", None, 0, refused=True),  # a false refusal
    _result("heldout", "unanswerable", None, 0, refused=True, answerable=False),
    _result("heldout", "unanswerable", None, 40, answerable=False),  # answered: a refusal missed
]


def test_a_category_is_reported_per_half_not_mixed() -> None:
    table = by_split_and_category(RESULTS)
    # mixed over both halves, multi-part reads .55; the held-out half alone is .25
    assert table["tune"]["multi"]["fact_recall"] == 1.0
    assert table["heldout"]["multi"]["fact_recall"] == 0.25
    assert table["heldout"]["multi"]["false_refusals"] == 0.25
    assert table["heldout"]["unanswerable"]["refusal_accuracy"] == 0.5
    assert "unanswerable" not in table["tune"]


def test_the_median_answer_is_reported_beside_the_mean() -> None:
    held = summarise(r for r in RESULTS if r.item.split == "heldout")
    # answerable and answered: 30, 200 and 40 words: one long list pulls the mean, not the median
    assert held["answer_words_median"] == 40
    assert held["answer_words_mean"] == 90


def test_the_printed_table_gives_each_half_its_own_columns() -> None:
    lines = split_category_lines(by_split_and_category(RESULTS))
    multi = next(line for line in lines if line.startswith("multi"))
    tune, heldout = multi.split("|")[1:3]
    assert tune.split()[0] == "1.000" and heldout.split()[0] == "0.250"
    assert "0.250" in heldout.split("/")[2]  # false refusals, held-out
    unanswerable = next(line for line in lines if line.startswith("unanswerable"))
    assert "0.500" in unanswerable.split("|")[2]


def test_the_markdown_report_has_the_per_half_table() -> None:
    report = {"config": {"answerer": "extractive", "items": 7, "gated_split": "heldout"}, "passed": True,
              "by_split": {s: summarise(r for r in RESULTS if r.item.split == s) for s in ("tune", "heldout")},
              "by_category": {}, "by_split_category": by_split_and_category(RESULTS), "thresholds": {},
              "latency_ms": {}, "failures": []}
    text = markdown(report, None)
    assert "| heldout | multi | 0.25 | — | 0.25 |" in text
    assert "| answer_words_median |" in text
