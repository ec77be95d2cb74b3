"""Seeded fuzzing of the three loaders: 1,000+ generated files, each either parsed into readable text or
refused with a French IngestError naming it; never another exception, never a hang. A seeded sample of
the same cases then goes through a real ingest into a store holding the bundled report (some under the
report's own name, byte-flipped copies of it under others): the report stays exactly as it was stored."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest import IngestError, parse_file
from ingest.glue import readable_share
from tests.conftest import BUNDLED_PDF, run_json
from tests.pdf_maker import simple_pdf
from tests.vectorstore.test_indexer import chunk_rows

WORDS = ("les habitants du quartier ont organisé une distribution de repas avec les associations et la mairie "
         "pendant le confinement pour les familles isolées").split()
MARKUP = ["[", "]", "(", ")", "*", "**", "_", "#", "> ", "- ", "<", ">", "`", "|", "![", "](", "\n", "\n\n", "\\"]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 16))).capitalize() + "."


def _pdf(rng: random.Random) -> bytes:
    pages = [[_sentence(rng) for _ in range(rng.randint(3, 12))] for _ in range(rng.randint(1, 4))]
    data = bytearray(simple_pdf(pages))
    for _ in range(rng.choice([0, 1, 3, 10, 40])):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.1:
        data = data[: rng.randrange(len(data))]  # truncated download
    return bytes(data)


def _markdown(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 60)):
        parts.append(rng.choice(MARKUP) * rng.choice([1, 1, 2, 50, 2000]) if rng.random() < 0.4 else _sentence(rng))
    return " ".join(parts)


def _text(rng: random.Random) -> bytes:
    text = "\n".join(_sentence(rng) for _ in range(rng.randint(0, 20)))
    encoding = rng.choice(["utf-8", "cp1252", "utf-16", "latin-1"])
    data = bytearray(text.encode(encoding, errors="replace"))
    if rng.random() < 0.3 and data:
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _write_case(path: Path, kind: str, rng: random.Random) -> Path:
    if kind == "pdf":
        path.write_bytes(_pdf(rng))
    elif kind == "md":
        path.write_text(_markdown(rng), encoding="utf-8")
    else:
        path.write_bytes(_text(rng))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kind,count", [("pdf", 300), ("md", 350), ("txt", 350)])
def test_loaders_survive_generated_input(kind: str, count: int, tmp_path: Path) -> None:
    rng = random.Random(f"quartiers-{kind}")
    accepted = refused = 0
    for index in range(count):
        path = _write_case(tmp_path / f"cas-{index}.{kind}", kind, rng)
        try:
            document = parse_file(path)
        except IngestError as error:
            assert str(error).startswith(path.name) and "Error" not in error.reason
            refused += 1
            continue
        accepted += 1
        text = document.full_text
        control, words = readable_share(text)
        assert control <= 0.05, (index, text[:200])
        if kind == "pdf":
            assert words >= 0.3, (index, text[:200])  # no garbled text accepted as good
        assert all(len(chunk.text.split()) <= 400 for chunk in document.chunks)
    assert accepted > count // 4 and refused > 0  # both roads were taken


SAMPLED = 3  # cases per loader ingested for real (parsing them all is the test above; embedding is the cost)


def _report_state(store: Path) -> tuple[dict[str, tuple[str, dict]], dict]:
    chunks = {i: row for i, row in chunk_rows(store).items() if row[1]["source"] == BUNDLED_PDF.name}
    records = {i: meta for i, (_, meta) in chunk_rows(store, "quartiers-documents").items()
               if meta.get("source") == BUNDLED_PDF.name}
    return chunks, records


def test_generated_files_ingested_beside_the_report_leave_it_intact(store_copy: Path, tmp_path: Path) -> None:
    before = _report_state(store_copy)
    assert len(before[0]) > 50 and before[1]  # the report really is in the store
    rng = random.Random("quartiers-ingest")
    paths = [_write_case(tmp_path / f"cas-{i}.{kind}", kind, rng) for kind in ("pdf", "md", "txt")
             for i in range(SAMPLED)]
    same_name = []  # a damaged or foreign file under the stored report's own name (one per run: a run refuses twins)
    for i in range(2):
        (tmp_path / f"meme-nom-{i}").mkdir()
        same_name.append(_write_case(tmp_path / f"meme-nom-{i}" / BUNDLED_PDF.name, "pdf", rng))
    data = bytearray(BUNDLED_PDF.read_bytes())  # the report byte-flipped, under another name: vectors cached
    for _ in range(20):
        data[rng.randrange(len(data))] = rng.randrange(256)
    paths.append(tmp_path / "copie-abimee.pdf")
    paths[-1].write_bytes(bytes(data))
    code, report = run_json("ingest", "--no-progress", *paths, store=store_copy)
    assert code == 1 and len(report["files"]) == len(paths)
    statuses = {r["status"] for r in report["files"]}
    assert "failed" in statuses and statuses - {"failed"}  # both roads were taken
    files = list(report["files"])
    for path in same_name:
        code, report = run_json("ingest", "--no-progress", path, store=store_copy)
        [result] = report["files"]
        assert code == 1 and result["status"] == "failed", result  # refused: damaged, or much poorer
        files.append(result)
    for failed in (r for r in files if r["status"] == "failed"):
        assert failed["error"].startswith(failed["source"] + " : ") and "Error" not in failed["error"]
    assert _report_state(store_copy) == before  # same ids, texts, metadata, completion record
