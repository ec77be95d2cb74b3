"""Verification of a generated sentence against the passages it cites, before anyone sees it.

A sentence is shown only if, against the evidence of its cited passages (their text, minus sentences
that address the model, plus their metadata: place, initiative, resource centre, region, section):
- it cites at least one passage that exists and shares words with it (unknown ids are removed);
- every figure (``450``, ``230 000``, ``10,1``), name (capitalised word, acronym), year and month in it
  is present there;
- most of its content words are (``MIN_SUPPORT``), and none comes only from a sentence addressing the model;
- it is a statement, not an instruction (``assistant.injection``), that shares a word with the question
  (a true sentence about something else is no answer) and adds at least one (repeating the question is no
  answer either).
Each cited passage then contributes its sentence that best supports the generated one, as the
citation's quote: a string found verbatim in the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.injection import instruction_spans, is_generated_instruction
from assistant.terms import entities, present
from ingest.chunking import sentence_spans
from vectorstore.french import STOP_WORDS, analyse
from vectorstore.keys import fold
from vectorstore.retriever import Passage

MIN_SUPPORT = 0.6  # share of the sentence's content words found in its cited passages
MIN_WORDS, MAX_WORDS = 4, 80
MAX_CHARS = 400  # the JSON schema's bound on a sentence: one that reaches it was cut by the grammar
MIN_SHARED = 3  # content words a cited passage's best sentence shares with a sentence that names nothing
METADATA_KEYS = ("place", "initiative", "resource_centre", "region", "section", "title")
_MONTHS = frozenset(
    fold(m) for m in "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_GROUPED = re.compile(r"(?<=\d)[\s\u00a0\u202f.](?=\d{3}\b)")  # 230 000, 230.000 → 230000
_CAPITALISED = re.compile(r"(?<=\s)[A-ZÀ-Ý][\w'’-]+")
_SENTENCE_STARTERS = STOP_WORDS | {
    "selon", "grâce", "pendant", "durant", "enfin", "ensuite", "puis", "cependant", "toutefois", "notamment",
    "également", "afin", "face", "depuis", "dès", "après", "avant", "outre", "concernant", "parmi", "certains",
    "certaines", "plusieurs", "chaque", "cela", "ceci", "celle", "celui", "leurs", "là", "ici", "oui", "non",
}


@dataclass
class Draft:
    """What the model proposed: a sentence and the numbers (1-based, as in the prompt) of its passages."""

    text: str
    ids: list[int]


@dataclass
class Source:
    passage: Passage
    start: int  # span of the quote in passage.text
    end: int

    @property
    def quote(self) -> str:
        return self.passage.text[self.start : self.end].strip()


@dataclass
class Checked:
    text: str  # the sentence as it will be shown, without markers
    sources: list[Source]  # empty when rejected
    reason: str | None = None  # why it was rejected (for diagnosis; never shown as an answer)

    @property
    def supported(self) -> bool:
        return self.reason is None


def clean(text: str) -> str:
    """The sentence without citation markers, brackets, list bullets or stray quotes."""
    text = re.sub(r"\[\s*[\d,\s]*\]", " ", text).replace("[", " ").replace("]", " ")
    text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", text)
    return re.sub(r"\s+", " ", text).strip().strip('"').strip()


def numbers(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(_GROUPED.sub("", text))}


def names(sentence: str) -> set[str]:
    """Capitalised words and acronyms that must come from the evidence (the first word unless common)."""
    found = {e for e in entities(sentence) if not e.isdigit()}
    found |= {m.group(0).rstrip("'’-") for m in _CAPITALISED.finditer(f" {sentence}") if m.start() > 1}
    first = re.match(r"\s*([A-ZÀ-Ý][\w-]+)", sentence)
    if first and fold(first.group(1)) not in {fold(w) for w in _SENTENCE_STARTERS}:
        found.add(first.group(1))
    return found


def _evidence_text(passage: Passage) -> tuple[str, str]:
    """(what may support a sentence, what addresses the model) for one passage."""
    spans = instruction_spans(passage.text)
    tainted = " ".join(passage.text[a:b] for a, b in spans)
    text, cursor = [], 0
    for a, b in spans:
        text.append(passage.text[cursor:a])
        cursor = b
    text.append(passage.text[cursor:])
    metadata = " ".join(str(passage.get(k) or "") for k in METADATA_KEYS)
    return " ".join(text) + "\n" + metadata, tainted


def _best_sentence(passage: Passage, terms: set[str]) -> tuple[int, int, int]:
    """(overlap, start, end) of the passage sentence sharing most content words with ``terms``."""
    blocked = instruction_spans(passage.text)
    best = (0, 0, 0)
    for start, end in sentence_spans(passage.text):
        if any(a <= start < b for a, b in blocked) or not passage.text[start:end].strip():
            continue
        overlap = len(terms & set(analyse(passage.text[start:end])))
        if overlap > best[0]:
            best = (overlap, start, end)
    return best


def _contributes(source: Source, specifics: set[str], terms: set[str], shared: int) -> bool:
    """A cited passage stays cited only if it backs this sentence itself: it holds one of the sentence's
    figures or names, or (for a sentence with none) its best sentence shares several content words.
    ALCE-style precision is per citation: a passage cited beside the right one does not ride along."""
    if specifics:
        evidence = _evidence_text(source.passage)[0]
        held = {n for n in numbers(evidence)}
        return any((item in held) if item[:1].isdigit() else present(item, evidence) for item in specifics)
    return shared >= MIN_SHARED


def check(draft: Draft, passages: list[Passage], question: str, places: list[str] | None = None) -> Checked:
    """``places``: the entities the question names; a sentence must rest on a passage naming one of them
    (a true sentence about Marseille is no answer to a question about Nantes)."""
    text = clean(draft.text)
    words = text.split()
    if len(draft.text.strip()) >= MAX_CHARS:
        return Checked(text, [], "phrase tronquée")
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return Checked(text, [], "longueur")
    if text.endswith("?"):
        return Checked(text, [], "question")
    if is_generated_instruction(text):  # an instruction echoed from a passage, or the model's own
        return Checked(text, [], "consigne adressée au modèle")
    words_analysed = analyse(text)
    terms = set(words_analysed)
    if len(words_analysed) >= 8 and len(terms) < 0.6 * len(words_analysed):
        return Checked(text, [], "répétitions")  # a small model looping: "le volet de Nantes, le volet de Nantes"
    asked = set(analyse(question))
    if terms <= asked:
        return Checked(text, [], "répète la question")
    specifics = numbers(text) | names(text)
    sources: list[Source] = []
    for number in dict.fromkeys(draft.ids):
        if not 1 <= number <= len(passages):
            continue  # an unknown id is removed, not trusted
        overlap, start, end = _best_sentence(passages[number - 1], terms)
        source = Source(passages[number - 1], start, end)
        if overlap and _contributes(source, specifics, terms, overlap):
            sources.append(source)
    if not sources:
        return Checked(text, [], "aucune source valable")
    if places and not any(present(place, _evidence_text(s.passage)[0]) for s in sources for place in places):
        return Checked(text, [], "ne porte pas sur le lieu ou l'acteur demandé")
    evidence_parts = [_evidence_text(s.passage) for s in sources]
    evidence = "\n".join(e for e, _ in evidence_parts)
    if not numbers(text) <= numbers(evidence):
        return Checked(text, [], "chiffre absent des passages cités")
    if any(not present(name, evidence) for name in names(text)):
        return Checked(text, [], "nom absent des passages cités")
    if any(w in _MONTHS and not present(w, evidence) for w in re.findall(r"\w+", fold(text))):
        return Checked(text, [], "date absente des passages cités")
    evidence_terms = set(analyse(evidence))
    tainted = set(analyse(" ".join(t for _, t in evidence_parts))) - evidence_terms
    if terms & tainted:
        return Checked(text, [], "mots tirés d'une consigne contenue dans un passage")
    if not terms or len(terms & evidence_terms) / len(terms) < MIN_SUPPORT:
        return Checked(text, [], "appui lexical insuffisant")
    if not terms & asked:
        return Checked(text, [], "hors sujet")
    return Checked(text, sources)
