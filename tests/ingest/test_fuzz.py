"""Seeded fuzzing of the three loaders: 1,000+ generated files, each either parsed into readable text or
refused with a French IngestError naming it; never another exception, never a hang."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest import IngestError, parse_file
from ingest.glue import readable_share
from tests.pdf_maker import simple_pdf

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


@pytest.mark.slow
@pytest.mark.parametrize("kind,count", [("pdf", 300), ("md", 350), ("txt", 350)])
def test_loaders_survive_generated_input(kind: str, count: int, tmp_path: Path) -> None:
    rng = random.Random(f"quartiers-{kind}")
    accepted = refused = 0
    for index in range(count):
        path = tmp_path / f"cas-{index}.{kind}"
        if kind == "pdf":
            path.write_bytes(_pdf(rng))
        elif kind == "md":
            path.write_text(_markdown(rng), encoding="utf-8")
        else:
            path.write_bytes(_text(rng))
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
