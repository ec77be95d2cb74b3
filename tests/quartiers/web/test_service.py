"""The UI's service on a real store: uploads under safe names, the CLI's error messages, feedback, and what
a page load reads computed once per change of the store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from quartiers.settings import Settings
from quartiers.web import service as service_module
from quartiers.web.chat import Chat
from quartiers.web.library import Library
from quartiers.web.service import Service, UploadError, safe_name
from tests.conftest import run_cli

NOTE = "# Jardins partagés\n\nLe jardin partagé de Quimperlé accueille 37 familles du quartier.\n"


@pytest.fixture(scope="module")
def note_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store holding one short document (one passage), built once for this module."""
    folder = tmp_path_factory.mktemp("note")
    note = folder / "jardins.md"
    note.write_text(NOTE, encoding="utf-8")
    service = Service(Settings(store=folder / "store"))
    assert [f.status for f in service.ingest_uploads([(note, "jardins.md")]).files] == ["added"]
    return folder / "store"


@pytest.fixture
def one_note(note_store: Path, tmp_path: Path) -> Service:
    """The service over a private copy of that store."""
    shutil.copytree(note_store, tmp_path / "store")
    return Service(Settings(store=tmp_path / "store"))


def test_a_page_load_reads_the_store_summary_once(one_note: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = service_module.summary

    def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(service_module, "summary", counted)
    library = Library(one_note)
    for _ in range(2):  # two visitors load the page: tables, filters and charts of both read one summary
        one_note.filter_choices(), library.documents(), library.regions(), library.sources()
        library.explore("", None, None, None)
    assert len(calls) == 1
    assert one_note.remove("jardins.md") > 0  # a change of the store is seen at the next load
    assert library.documents() == [] and len(calls) == 2


def test_source_cards_do_not_read_the_store_per_streamed_sentence(one_note: Service,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    answer = one_note.assistant().answer("Combien de familles accueille le jardin partagé de Quimperlé ?")
    assert answer.citations, answer.answer
    reads: list[object] = []
    real = one_note.store.records_by_source

    def counted() -> dict[str, Any]:
        reads.append(1)
        return real()

    monkeypatch.setattr(one_note.store, "records_by_source", counted)
    chat = Chat(one_note)
    panels = [chat.panel([answer], 0) for _ in range(20)]  # what a streamed answer redraws, sentence by sentence
    assert "open-pdf" in panels[-1] and len(reads) <= 1


def test_a_failed_upload_is_not_headed_done(one_note: Service, tmp_path: Path) -> None:
    program = tmp_path / "programme.exe"
    program.write_bytes(b"MZ")
    text = Library(one_note).upload([str(program)])
    assert "Indexation terminée" not in text and text.startswith("**Échec de l'indexation")
    assert "programme.exe : type de fichier non pris en charge" in text
    note = tmp_path / "autre.md"
    note.write_text(NOTE.replace("37", "12"), encoding="utf-8")
    mixed = Library(one_note).upload([str(program), str(note)])
    assert mixed.startswith("**Indexation partielle") and "1 fichier(s) sur 2" in mixed


def test_removal_asks_first_and_names_what_goes(one_note: Service) -> None:
    library = Library(one_note)
    question, status = library.removal_question("jardins.md")
    assert question is not None and "jardins.md" in question and "1 passages" in question
    assert "Confirmez" in status and one_note.stored_file("jardins.md") is not None  # nothing removed yet
    assert library.removal_question("absent.md")[0] is None
    assert library.removal_question(None) == (None, "Choisissez le document à retirer.")
    bundled = library.removal_question("quartiers-covid-crpv-2020.pdf")
    assert bundled[0] is None  # not in this store; in a store holding it, the question says it is the bundled one


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


def test_the_app_answers_about_a_just_uploaded_document_without_reloading(one_note: Service, tmp_path: Path) -> None:
    assistant = one_note.assistant()
    retriever = one_note.retriever()
    assert assistant.answer("Combien de familles accueille le verger de Plouguerneau ?").refused
    orchard = tmp_path / "verger.md"
    orchard.write_text("# Vergers\n\nLe verger solidaire de Plouguerneau nourrit 54 familles du quartier.\n",
                       encoding="utf-8")
    assert [f.status for f in one_note.ingest_uploads([(orchard, "verger.md")]).files] == ["added"]
    assert one_note.assistant() is assistant and one_note.retriever() is retriever  # kept, brought up to date
    answer = one_note.assistant().answer("Combien de familles nourrit le verger de Plouguerneau ?")
    assert not answer.refused and "54 familles" in answer.answer
    assert {c.source for c in answer.citations} == {"verger.md"}
    assert one_note.remove("verger.md") > 0
    assert one_note.assistant() is assistant
    assert one_note.assistant().answer("Combien de familles nourrit le verger de Plouguerneau ?").refused
