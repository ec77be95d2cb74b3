"""The one text toolkit: folding, French analysis, sentence spans and heading paths, the same for every
layer (the old import paths are these same functions)."""

from __future__ import annotations

from quartiers import text_toolkit
from quartiers.text_toolkit import (
    analyse,
    fold,
    heading_path,
    innermost_heading,
    join_headings,
    sentence_spans,
    slug,
)


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

    words = [f"{stem}{suffix}" for stem in ("habit", "confin", "distribu", "associat", "bénévol", "quarti", "médiat")
             for suffix in ("ement", "ations", "euses", "ités", "aient", "erions", "ants", "ée", "er")] * 3
    texts = [" ".join(words[i:] + words[:i]) for i in range(40)]
    text_toolkit._stem.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(text_toolkit.analyse, texts))
    text_toolkit._stem.cache_clear()
    alone = [text_toolkit.analyse(text) for text in texts]
    assert threaded == alone


def test_slugs_are_ascii_words_joined_by_dashes() -> None:
    assert slug("I. Des acteur.rice.s en proximité") == "i-des-acteur-rice-s-en-proximite"
    assert slug("  Île-de-France — Œuvres ") == "ile-de-france-uvres"  # what cannot be written in ASCII goes


def test_sentences_end_at_stops_not_at_abbreviations() -> None:
    text = ("La mairie a ouvert 3 lieux, cf. annexe. Mme. Durand les anime. Qui vient ? Des familles.\n\n"
            "Un second paragraphe.")
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["La mairie a ouvert 3 lieux, cf. annexe.", "Mme. Durand les anime.", "Qui vient ?",
                     "Des familles.", "Un second paragraphe."]


def test_a_run_on_sentence_is_cut_between_words_so_no_piece_outgrows_a_chunk() -> None:
    text = " ".join(f"mot{i}" for i in range(700))
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    assert len(pieces) == 4 and all(len(p.split()) <= text_toolkit.MAX_SENTENCE_WORDS for p in pieces)
    assert " ".join(pieces) == text  # nothing lost, nothing repeated


def test_heading_paths_are_read_and_written_one_way() -> None:
    path = ["V. Illustrations", "Occitanie", "Aide alimentaire"]
    assert heading_path(join_headings(path)) == path
    assert heading_path("V. Illustrations > Occitanie > Aide alimentaire") == path
    assert innermost_heading("V. Illustrations > Aide alimentaire") == "Aide alimentaire"
    assert innermost_heading(None) == "" and heading_path("") == []


def test_old_import_paths_are_the_toolkit_itself() -> None:
    import ingest.chunking
    import ingest.structure
    import quartiers.results
    import vectorstore.french
    import vectorstore.keys

    assert vectorstore.keys.fold is fold and vectorstore.french.analyse is analyse
    assert ingest.chunking.sentence_spans is sentence_spans and ingest.structure.slugify is slug
    assert quartiers.results.heading_path is heading_path
