"""Sentence choice details that need no store: a sentence announcing a list is quoted with its list."""

from __future__ import annotations

from assistant.extractive import compose, score_sentences, with_list
from assistant.verify import verify
from vectorstore.retriever import Passage

TEXT = ("Ce cercle vertueux repose sur 3 piliers :\n\nFaire confiance aux acteurs locaux et aux habitants.\n"
        "Soutenir les coopérations entre toutes les structures.\nFaire vivre le projet de territoire co-construit.\n\n"
        + " ".join(["Un autre paragraphe porte ensuite sur un tout autre sujet que celui-ci."] * 6))


def test_a_sentence_announcing_a_list_is_quoted_with_the_list_that_follows_it() -> None:
    passage = Passage("c1", TEXT, {"section": "III"}, rank=1)
    candidates = score_sentences("piliers", "piliers", [passage], {"pili": 1.0})
    announcement = next(c for c in candidates if c.text.endswith(":"))
    quoted = with_list(announcement, candidates)
    assert [q.text for q in quoted][:4] == [
        "Ce cercle vertueux repose sur 3 piliers :", "Faire confiance aux acteurs locaux et aux habitants.",
        "Soutenir les coopérations entre toutes les structures.", "Faire vivre le projet de territoire co-construit."]
    assert sum(len(q.text.split()) for q in quoted) <= 60  # not the rest of the passage
    # each part is its own verbatim quote: verification keeps them all
    answer, citations = compose(quoted)
    checked = verify(answer, citations, {"c1": TEXT})
    assert checked.dropped == 0 and "Soutenir les coopérations" in checked.answer
    ordinary = next(c for c in candidates if c.text.startswith("Un autre"))
    assert with_list(ordinary, candidates) == [ordinary]


def test_an_announcement_is_quoted_with_its_first_item_however_long() -> None:
    item = ("faire confiance aux acteurs en proximité, s'autoriser à repenser les modalités d'intervention locale, "
            + "reconnaître la participation citoyenne et cultiver des habitudes de travail partagé " * 5).strip() + "."
    text = f"Ce cercle vertueux repose sur 3 piliers :\n\n{item}\n\nUn autre paragraphe porte ensuite sur autre chose."
    passage = Passage("c1", text, {"section": "III"}, rank=1)
    candidates = score_sentences("piliers", "piliers", [passage], {"pili": 1.0})
    announcement = next(c for c in candidates if c.text.endswith(":"))
    assert len(item.split()) > 60
    assert [q.text for q in with_list(announcement, candidates)] == [announcement.text, item]


def test_a_table_of_contents_entry_is_never_quoted() -> None:
    text = ("Des acteur.rice.s en proximité ..... p. 4\n\nL'agilité des territoires comme moyen de s'adapter... p. 10"
            "\n\nIntroduction générale du rapport .......... 12\n\n"
            "Les acteurs en proximité ont maintenu le lien avec les habitants.")
    candidates = score_sentences("acteurs en proximité", "acteurs en proximité", [Passage("c1", text, {}, rank=1)],
                                 {"acteur": 1.0, "proxim": 1.0})
    assert [c.text for c in candidates] == ["Les acteurs en proximité ont maintenu le lien avec les habitants."]
