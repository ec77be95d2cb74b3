"""French normalisation for the lexical side."""

from __future__ import annotations

from vectorstore.french import analyse
from vectorstore.keys import fold


def test_inclusive_writing_matches_plain_plurals() -> None:
    assert analyse("acteur.rice.s habitant.e.s délégué.e.s") == analyse("acteurs habitants délégués")
    assert analyse("directeur.rice") == analyse("directeur")


def test_elisions_apostrophes_accents_and_case() -> None:
    assert analyse("l’aide d'urgence qu'elles") == analyse("aide urgence")
    assert analyse("ÉVREUX Évreux evreux") == ["evreux"] * 3


def test_stemming_joins_word_families_and_stop_words_go() -> None:
    assert analyse("financé")[0] == analyse("financement")[0]
    assert analyse("le la les de des du et à") == []


def test_metadata_keys_ignore_case_accents_and_dashes() -> None:
    same = {fold("Bretagne – Pays de la Loire"), fold("bretagne - pays de la loire"), fold("Bretagne—Pays de la Loire")}
    assert len(same) == 1
