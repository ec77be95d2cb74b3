"""Hybrid retrieval, filters, precedents and the LangChain face, on the real bundled store."""

from __future__ import annotations

from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from tests.conftest import run_cli, run_json
from vectorstore.langchain_retriever import QuartiersRetriever
from vectorstore.retriever import HybridRetriever
from vectorstore.store import Store

NANTES = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"


def test_the_nantes_question_finds_the_nantes_passage_first(built_store: Path) -> None:
    code, result = run_json("retrieve", NANTES, store=built_store)
    assert code == 0
    first = result["passages"][0]
    assert "450 ménages" in first["text"]
    assert first["page"] == 27 and first["pages"] == [27, 28]
    assert first["place"] == "Nantes" and first["rank"] == 1
    assert set(first) == {"rank", "chunk_id", "source", "title", "page", "pages", "section", "initiative",
                          "initiative_id", "resource_centre", "region", "place", "publisher", "date", "text", "score"}
    assert len(result["passages"]) == 5


def test_a_paraphrase_and_an_english_question_find_their_passage(built_store: Path) -> None:
    _, result = run_json("retrieve", "Des distilleries antillaises ont-elles fabriqué du désinfectant ?", "-k", "3",
                            store=built_store)
    assert any("5 000 bouteilles" in p["text"] for p in result["passages"])
    _, result = run_json("retrieve", "Who funded the mask-making network in Saint-Denis?", "-k", "3",
                            store=built_store)
    assert any("10 000" in p["text"] for p in result["passages"])


def test_filters_narrow_results_on_every_side(built_store: Path) -> None:
    _, result = run_json("retrieve", "aide alimentaire", "-k", "10", "--filter", "region=Occitanie",
                            store=built_store)
    assert result["passages"] and {p["region"] for p in result["passages"]} == {"Occitanie"}
    for mode in ("lexical", "dense", "use"):
        _, one_side = run_json("retrieve", "aide alimentaire", "--mode", mode, "--filter", "region=occitanie",
                                  store=built_store)
        assert {p["region"] for p in one_side["passages"]} == {"Occitanie"}, mode


def test_filters_ignore_accents_and_dash_variants_and_repeat_as_or(built_store: Path) -> None:
    _, result = run_json("retrieve", "solidarité", "-k", "20", "--filter", "region=bretagne - pays de la loire",
                            "--filter", "region=NORMANDIE", store=built_store)
    regions = {p["region"] for p in result["passages"]}
    assert {"Bretagne – Pays de la Loire", "Bretagne - Pays de la Loire", "Normandie"} <= regions
    assert regions <= {"Bretagne – Pays de la Loire", "Bretagne - Pays de la Loire", "Normandie"}
    _, result = run_json("retrieve", "associations", "--filter", "initiative=un decroisement au service de "
                            "l'urgence alimentaire", store=built_store)
    assert {p["place"] for p in result["passages"]} == {"Nantes"}


def test_a_bad_filter_is_a_usage_error(built_store: Path) -> None:
    result = run_cli("retrieve", "x", "--filter", "ville=Nantes", store=built_store)
    assert result.returncode == 2 and "filtre « ville=Nantes » invalide" in result.stderr


def test_precedents_for_food_aid_list_the_four_initiatives(built_store: Path) -> None:
    code, result = run_json("precedents", "aide alimentaire", store=built_store)
    assert code == 0
    places = [i["place"] for i in result["initiatives"]]
    assert {"Nantes", "Évreux", "Mayotte", "Aix-Marseille"} <= set(places)
    assert len(set(i["initiative_id"] for i in result["initiatives"])) == len(places)  # one entry each
    nantes = next(i for i in result["initiatives"] if i["place"] == "Nantes")
    assert nantes["resource_centre"] == "Réso Villes" and nantes["pages"] == [27, 28]
    assert "alimentaire" in nantes["sentence"] and nantes["sentence"] in open_text(built_store)


def open_text(store: Path) -> str:
    retriever = HybridRetriever(Store(store))
    return "\n".join(text for _, text, _ in retriever.chunks_of())


def test_langchain_face_returns_documents_with_passage_metadata(built_store: Path) -> None:
    retriever = QuartiersRetriever(hybrid=HybridRetriever(Store(built_store)), k=3)
    documents = retriever.invoke(NANTES)
    assert len(documents) == 3
    assert "450 ménages" in documents[0].page_content and documents[0].metadata["page"] == 27


def test_the_lexical_index_follows_the_collection_one_document_at_a_time(store_copy: Path, small_md: Path) -> None:
    before = HybridRetriever(Store(store_copy))
    report_rows = set(before.lexical.db.execute("SELECT rowid, chunk_id FROM chunks").fetchall())
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0
    after = HybridRetriever(Store(store_copy))
    assert len(after) > len(before) and len(after.lexical.versions()) == 2
    assert "lexical_load_ms" in after.timings  # ingest brought it up to date; this process only opened it
    rows = set(after.lexical.db.execute("SELECT rowid, chunk_id FROM chunks").fetchall())
    assert report_rows < rows  # the report's rows stayed as they were: only the new document was added
    hits = after.search("Halte du Cœur", k=10, filters={"source": ["illustrations.md"]}, mode="lexical")
    assert hits and all(p.get("source") == "illustrations.md" for p in hits)
    assert run_cli("remove", "illustrations.md", store=store_copy).returncode == 0
    removed = HybridRetriever(Store(store_copy))
    assert set(removed.lexical.db.execute("SELECT rowid, chunk_id FROM chunks").fetchall()) == report_rows
    assert all(p.get("source") != "illustrations.md" for p in removed.search("Halte du Cœur", k=10, mode="lexical"))


def test_chunks_of_a_document_without_its_completion_record_are_not_served(store_copy: Path, small_md: Path) -> None:
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0
    settings = ChromaSettings(anonymized_telemetry=False)
    client = chromadb.PersistentClient(path=str(store_copy / "chroma"), settings=settings)
    client.get_collection("quartiers-documents").delete(ids=["illustrations.md"])  # as if killed before the record
    retriever = HybridRetriever(Store(store_copy))
    assert all(meta["source"] != "illustrations.md" for _, _, meta in retriever.chunks_of())
    assert all(p.get("source") != "illustrations.md" for p in retriever.search("Halte du Cœur", k=10, mode="dense"))
    for mode in ("dense", "lexical", "use"):  # filters pushed down beside the unfinished chunks
        passages = retriever.search("aide alimentaire", k=10, filters={"region": ["occitanie"]}, mode=mode)  # type: ignore[arg-type]
        assert passages and {p.get("region") for p in passages} == {"Occitanie"}, mode


def test_query_commands_on_an_empty_store_say_so(tmp_path: Path) -> None:
    result = run_cli("retrieve", NANTES, store=tmp_path / "empty")
    assert result.returncode == 1 and "la base est vide" in result.stderr
    code, error = run_json("precedents", "aide alimentaire", store=tmp_path / "empty")
    assert code == 1 and "la base est vide" in error["error"]
