"""The UI's service on a real store: uploads under safe names, the CLI's error messages, feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quartiers.settings import Settings
from quartiers.web.service import Service, UploadError, safe_name
from tests.conftest import run_cli

pytestmark = pytest.mark.slow


def test_safe_name_keeps_no_folder() -> None:
    assert safe_name("../../etc/passwd.md") == "passwd.md"
    assert safe_name("C:\\Users\\x\\rapport final.pdf") == "rapport final.pdf"
    assert safe_name("<img src=x>.txt") == "_img src_x_.txt"
    assert safe_name("...") == "document"


def test_upload_checks_type_and_size(tmp_path: Path) -> None:
    service = Service(Settings(store=tmp_path / "store", upload_max_mb=1))
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(UploadError, match=r"big\.txt : fichier trop volumineux \(limite : 1 Mo\)"):
        service.check_upload(big, "big.txt")
    with pytest.raises(UploadError, match=r"notes\.docx : type de fichier non pris en charge"):
        service.check_upload(big, "notes.docx")


def test_bad_upload_gets_the_cli_message_and_loses_nothing(store_copy: Path, tmp_path: Path) -> None:
    broken = tmp_path / "abime.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    cli = run_cli("ingest", broken, store=store_copy)
    service = Service(Settings(store=store_copy))
    before = service.summary()["totals"]
    report = service.ingest_uploads([(broken, "abime.pdf")])
    assert report.failed == 1 and report.files[0].error
    assert report.files[0].error in cli.stderr  # the same clear message as the command line's
    assert service.summary()["totals"] == before
    answer = service.assistant().answer("Comment Nantes a-t-elle organisé l'aide alimentaire ?")
    assert not answer.refused and answer.citations[0].page == 27


def test_upload_is_stored_under_the_indexer_name_and_removed(store_copy: Path, tmp_path: Path) -> None:
    upload = tmp_path / "gradio-tmp-name"
    upload.write_text("# Jardins\n\nLe jardin partagé de Quimperlé accueille 37 familles.\n", encoding="utf-8")
    service = Service(Settings(store=store_copy))
    report = service.ingest_uploads([(upload, "../jardins.md")])
    assert [f.status for f in report.files] == ["added"]
    stored = service.stored_file("jardins.md")
    assert stored is not None and stored.parent == service.store.documents_folder and stored.name != "jardins.md"
    answer = service.assistant().answer("Combien de familles accueille le jardin partagé de Quimperlé ?")
    assert "37 familles" in answer.answer
    assert service.remove("jardins.md") > 0 and service.stored_file("jardins.md") is None
    assert "jardins.md" not in service.filter_choices()["source"]


def test_feedback_is_one_json_line_in_the_store_folder(store_copy: Path) -> None:
    service = Service(Settings(store=store_copy))
    answer = service.assistant().answer("Comment Nantes a-t-elle organisé l'aide alimentaire ?")
    path = service.record_feedback(answer, liked=False)
    assert path.parent == store_copy
    entry = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert entry["liked"] is False and entry["answer"] == answer.answer
    assert entry["citations"][0]["quote"] == answer.citations[0].quote


def test_filter_choices_offer_each_region_once(built_store: Path) -> None:
    regions = Service(Settings(store=built_store)).filter_choices()["region"]
    bretagne = [r for r in regions if r.startswith("Bretagne")]
    assert len(bretagne) == 1 and "Occitanie" in regions
