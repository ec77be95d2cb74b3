"""Citation verification, shared by every answerer.

Each ``[n]`` must exist in ``citations``; each quote must be found verbatim in its passage; each quoted
sentence must be the citation's quote. Whatever fails is removed from the answer and counted, never
shown as supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.model import Citation

_MARKER = re.compile(r"\s*\[(\d+)\]")


@dataclass
class Verified:
    answer: str
    citations: list[Citation]
    dropped: int


def verify(answer: str, citations: list[Citation], passages: dict[str, str]) -> Verified:
    """Keep only quotations whose citation exists and whose quote is verbatim in the cited passage.

    Checked by position: the text before each ``[n]`` must end with « quote » of citation n, so
    guillemets inside lead-ins or quotes cannot fool it. A failing quotation is cut out whole.
    """
    by_number = {c.n: c for c in citations}
    valid = {c.n for c in citations if c.chunk_id in passages and c.quote and c.quote in passages[c.chunk_id]}
    kept_text, dropped, cursor = "", 0, 0
    for marker in _MARKER.finditer(answer):
        before = answer[cursor : marker.start()]
        number = int(marker.group(1))
        citation = by_number.get(number)
        if number in valid and citation is not None and before.endswith(f"« {citation.quote} »"):
            kept_text += before + marker.group(0)
        else:
            dropped += 1
            opening = before.rfind("« ", 0, len(before) - (len(citation.quote) + 3 if citation else 0) + 1)
            kept_text += before[: max(opening, 0)].rstrip()
        cursor = marker.end()
    kept_text += answer[cursor:]
    used = [int(n) for n in re.findall(r"\[(\d+)\]", kept_text)]
    renumber = {old: new for new, old in enumerate(dict.fromkeys(used), start=1)}
    kept_text = _MARKER.sub(lambda m: f" [{renumber[int(m.group(1))]}]", kept_text)
    kept = [replace(by_number[old], n=new) for old, new in renumber.items()]
    paragraphs = [p.strip() for p in kept_text.split("\n\n") if re.search(r"\[\d+\]", p)]
    return Verified("\n\n".join(paragraphs), kept, dropped)
