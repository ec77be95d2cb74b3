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


def test_french_analysis_gives_the_same_stems_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from vectorstore import french

    words = [f"{stem}{suffix}" for stem in ("habit", "confin", "distribu", "associat", "bénévol", "quarti", "médiat")
             for suffix in ("ement", "ations", "euses", "ités", "aient", "erions", "ants", "ée", "er")] * 3
    texts = [" ".join(words[i:] + words[:i]) for i in range(40)]
    french._stem.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(french.analyse, texts))
    french._stem.cache_clear()
    alone = [french.analyse(text) for text in texts]
    assert threaded == alone
