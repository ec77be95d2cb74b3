"""Each kind of bad input gets one clear French reason naming the file."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from ingest import IngestError, parse_file
from tests.conftest import BUNDLED_PDF


def make_bad_files(folder: Path) -> dict[str, Path]:
    """One file per kind of bad input, built from real PDF pages where a PDF is needed."""
    folder.mkdir(parents=True, exist_ok=True)
    reader = pypdf.PdfReader(BUNDLED_PDF)
    files: dict[str, Path] = {}

    files["corrupt"] = folder / "corrompu.pdf"
    files["corrupt"].write_bytes(BUNDLED_PDF.read_bytes()[:3000])

    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[26])
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    files["encrypted"] = folder / "chiffre.pdf"
    with files["encrypted"].open("wb") as handle:
        writer.write(handle)

    scan = pypdf.PdfWriter()
    scan.add_blank_page(595, 842)
    scan.add_blank_page(595, 842)
    files["scan"] = folder / "scan.pdf"
    with files["scan"].open("wb") as handle:
        scan.write(handle)

    files["empty"] = folder / "vide.md"
    files["empty"].write_bytes(b"")
    files["binary"] = folder / "binaire.txt"
    files["binary"].write_bytes(bytes(range(256)) * 40)
    files["unsupported"] = folder / "rapport.docx"
    files["unsupported"].write_bytes(b"PK\x03\x04 not really a docx")
    files["missing"] = folder / "absent.pdf"
    return files


REASONS = {
    "corrupt": "PDF illisible ou corrompu",
    "encrypted": "PDF chiffré, impossible d'en extraire le texte",
    "scan": "PDF sans texte extractible",
    "empty": "fichier vide",
    "binary": "fichier binaire",
    "unsupported": "extension « .docx » non prise en charge",
    "missing": "fichier introuvable",
}


@pytest.mark.parametrize("kind", sorted(REASONS))
def test_bad_file_is_refused_with_its_name_and_reason(tmp_path: Path, kind: str) -> None:
    path = make_bad_files(tmp_path)[kind]
    with pytest.raises(IngestError) as caught:
        parse_file(path)
    assert str(caught.value).startswith(f"{path.name} : ")
    assert REASONS[kind] in str(caught.value)


def test_pdf_protected_only_by_an_owner_password_opens_with_the_empty_password(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(BUNDLED_PDF).pages[26])
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "protege.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    document = parse_file(path)
    assert any("450 ménages" in chunk.text for chunk in document.chunks)
