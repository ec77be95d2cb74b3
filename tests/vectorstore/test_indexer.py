"""Ingestion into a real Chroma folder through the real CLI: idempotence, edits, removal, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from tests.conftest import run_cli, run_json
from tests.ingest.test_bad_input import REASONS, make_bad_files


def chunk_rows(store: Path, collection: str = "quartiers") -> dict[str, tuple[str, dict]]:
    """Everything the Chroma collection holds: id → (text, metadata)."""
    client = chromadb.PersistentClient(path=str(store / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    got = client.get_collection(collection).get(include=["documents", "metadatas"])
    return {i: (d, dict(m)) for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)}


def test_the_built_store_holds_the_bundled_report(built_store: Path) -> None:
    code, stats = run_json("stats", store=built_store)
    assert code == 0
    [document] = stats["documents"]
    assert document["source"] == "quartiers-covid-crpv-2020.pdf"
    assert document["pages"] == 33
    assert stats["totals"]["initiatives"] == 29
    assert stats["totals"]["chunks"] == document["chunks"] == len(chunk_rows(built_store))
    assert stats["embedding_model"] == "e5"
    assert stats["warnings"] == []
    nantes = [i for i in stats["initiatives"] if i["place"] == "Nantes"]
    assert nantes and nantes[0]["resource_centre"] == "Réso Villes" and nantes[0]["pages"] == [27, 28]
    assert document["date"] == "mai 2020"  # as its first pages state it
    assert document["extraction"]["extractors"] == {"pypdf": 33}
    assert document["extraction"]["running_lines_removed"] == 66 and document["extraction"]["glued_share_after"] == 0


def test_answers_cite_the_documents_stated_date(built_store: Path) -> None:
    code, answer = run_json("ask", "Comment Nantes a-t-elle organisé l'aide alimentaire ?", store=built_store)
    assert code == 0 and answer["citations"]
    assert {c["date"] for c in answer["citations"]} == {"mai 2020"}
    assert all(p["date"] == "mai 2020" and "publisher" in p for p in answer["passages"])


def test_stored_chunks_carry_the_contract_metadata(built_store: Path) -> None:
    rows = chunk_rows(built_store)
    [(text, meta)] = [row for row in rows.values() if "le volet distribution par des bénévoles" in row[0]]
    assert meta["pages"] == [27, 28] and meta["page"] == 27
    assert meta["initiative"] == "Un décroisement au service de l'urgence alimentaire"
    assert meta["region"] == "Bretagne – Pays de la Loire" and meta["place"] == "Nantes"
    assert meta["title"] == "Quartiers populaires, politique de la ville et Covid-19"
    assert "450 ménages" in text


def test_a_second_ingest_adds_nothing(store_copy: Path) -> None:
    before = chunk_rows(store_copy)
    code, report = run_json("ingest", store=store_copy)
    assert code == 0
    assert report["files"][0]["status"] == "unchanged"
    assert report["totals"]["added"] == 0 and report["totals"]["removed"] == 0
    assert chunk_rows(store_copy) == before


def test_editing_a_file_replaces_its_chunks_and_re_embeds_only_the_changed_ones(
        store_copy: Path, small_md: Path, tmp_path: Path) -> None:
    doc = tmp_path / "illustrations.md"
    shutil.copy(small_md, doc)
    code, first = run_json("ingest", doc, store=store_copy)
    assert code == 0 and first["files"][0]["status"] == "added"
    count = first["files"][0]["chunks"]
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("plus de 450 ménages", "plus de 460 ménages"), encoding="utf-8")
    code, second = run_json("ingest", doc, store=store_copy)
    assert code == 0
    [result] = second["files"]
    assert result["status"] == "replaced"
    assert 1 <= result["embedded"] < count  # only the edited passage(s) were embedded again
    rows = [row for row in chunk_rows(store_copy).values() if row[1]["source"] == "illustrations.md"]
    assert len(rows) == result["chunks"]  # no duplicates, no stale chunks
    joined = " ".join(text for text, _ in rows)
    assert "460 ménages" in joined and "450 ménages" not in joined


def test_remove_leaves_no_chunk_behind(store_copy: Path, small_md: Path) -> None:
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0
    result = run_cli("remove", "illustrations.md", store=store_copy)
    assert result.returncode == 0, result.stderr
    assert "retiré" in result.stdout
    sources = {meta["source"] for _, meta in chunk_rows(store_copy).values()}
    assert sources == {"quartiers-covid-crpv-2020.pdf"}
    _code, stats = run_json("stats", store=store_copy)
    assert [d["source"] for d in stats["documents"]] == ["quartiers-covid-crpv-2020.pdf"]
    unknown = run_cli("remove", "illustrations.md", store=store_copy)
    assert unknown.returncode == 1 and "document inconnu" in unknown.stderr
    code, removed = run_json("remove", "illustrations.md", store=store_copy)
    assert code == 1 and removed == {"removed": {}, "unknown": ["illustrations.md"]}


def test_bad_files_are_reported_one_line_each_and_nothing_is_lost(
        store_copy: Path, small_md: Path, tmp_path: Path) -> None:
    bad = make_bad_files(tmp_path / "bad")
    before = chunk_rows(store_copy)
    result = run_cli("ingest", "--no-progress", *bad.values(), small_md, store=store_copy)
    assert result.returncode == 1
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    for kind, path in bad.items():
        [line] = [line for line in error_lines if line.startswith(f"{path.name} : ")]
        assert REASONS[kind] in line or (kind == "missing" and "introuvable" in line)
    assert "illustrations.md : ajouté" in result.stdout
    after = chunk_rows(store_copy)
    assert set(before) <= set(after)  # what was stored is still there
    assert any(meta["source"] == "illustrations.md" for _, meta in after.values())


def test_the_same_report_as_text_is_flagged_as_a_near_duplicate(store_copy: Path) -> None:
    from tests.conftest import REPORT_MD

    result = run_cli("ingest", "--no-progress", REPORT_MD, store=store_copy)
    assert result.returncode == 0
    assert "presque identique à « quartiers-covid-crpv-2020.pdf »" in result.stderr


def test_reset_rebuilds_the_collection_from_scratch(store_copy: Path, small_md: Path) -> None:
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0
    code, report = run_json("ingest", "--reset", small_md, store=store_copy)
    assert code == 0 and report["files"][0]["status"] == "added"
    sources = {meta["source"] for _, meta in chunk_rows(store_copy).values()}
    assert sources == {"illustrations.md"}  # the bundled report, not named this time, is gone
    assert [d["source"] for d in run_json("stats", store=store_copy)[1]["documents"]] == ["illustrations.md"]


def test_identical_files_under_two_names_are_two_documents(store_copy: Path, small_md: Path, tmp_path: Path) -> None:
    twin = tmp_path / "jumeau.md"
    shutil.copy(small_md, twin)
    assert run_cli("ingest", small_md, twin, store=store_copy).returncode == 0
    assert run_cli("remove", "illustrations.md", store=store_copy).returncode == 0
    _, stats = run_json("stats", store=store_copy)
    twin_stats = next(d for d in stats["documents"] if d["source"] == "jumeau.md")
    stored = [meta for _, meta in chunk_rows(store_copy).values() if meta["source"] == "jumeau.md"]
    assert len(stored) == twin_stats["chunks"] > 0  # removing one twin left the other whole
    _, found = run_json("retrieve", "Halte du Cœur", "--filter", "source=jumeau.md", store=store_copy)
    assert found["passages"]


def test_two_files_with_the_same_name_in_one_run_are_refused(tmp_path: Path, small_md: Path) -> None:
    first, second = tmp_path / "a" / "rapport.md", tmp_path / "b" / "rapport.md"
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(small_md, path)
    second.write_text(second.read_text(encoding="utf-8") + "\n\nUn ajout.\n", encoding="utf-8")
    result = run_cli("ingest", "--no-progress", tmp_path / "a", tmp_path / "b", store=tmp_path / "s")
    assert result.returncode == 1
    assert f"{second} : même nom de fichier que {first}" in result.stderr


def test_reset_with_an_unknown_embedder_wipes_nothing(store_copy: Path) -> None:
    before = chunk_rows(store_copy)
    result = run_cli("ingest", "--reset", store=store_copy, env={"QUARTIERS_EMBEDDER": "/nowhere"})
    assert result.returncode == 1
    assert chunk_rows(store_copy) == before


def test_json_errors_and_usage(tmp_path: Path) -> None:
    result = run_cli("retrieve-nothing", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"] == "usage"
    unreachable = run_cli("stats", store=tmp_path / "s", env={"QUARTIERS_CHROMA_URL": "http://127.0.0.1:9"})
    assert unreachable.returncode == 1 and "impossible d'ouvrir le serveur Chroma" in unreachable.stderr
    bad_name = run_cli("stats", "--collection", "ab cd", "--json", store=tmp_path / "s")
    assert bad_name.returncode == 1 and "nom de collection « ab cd » invalide" in json.loads(bad_name.stdout)["error"]
    code, report = run_json("ingest", tmp_path / "absent.pdf", store=tmp_path / "s")
    assert code == 1
    assert report["files"][0] == {
        "source": "absent.pdf", "status": "failed", "chunks": 0, "error": "absent.pdf : fichier introuvable",
        "pages": None, "embedded": 0, "warnings": []}
