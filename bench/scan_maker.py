"""A one-page scan made on the spot (text rendered to an image, saved as PDF): a PDF with no text layer,
for the OCR benchmark and the OCR tests alike (the benchmarks never import the tests)."""

from __future__ import annotations

from pathlib import Path

SCAN_LINES = [
    "Rapport d'activité du centre social",
    "Les habitants du quartier ont organisé une distribution",
    "de paniers alimentaires chaque semaine pendant le confinement.",
    "Les bénévoles ont livré les personnes âgées isolées à domicile.",
]


def make_scan(path: Path, lines: list[str] | None = None) -> Path:
    """Write ``lines`` (default ``SCAN_LINES``) as an A4 page image at 200 dpi into the PDF ``path``."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    for i, line in enumerate(SCAN_LINES if lines is None else lines):
        draw.text((150, 200 + i * 90), line, fill=0, font=font)
    image.save(path, "PDF", resolution=200)
    return path
