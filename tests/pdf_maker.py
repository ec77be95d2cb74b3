"""Small real PDFs for tests: one page of Helvetica text per list of lines, written by hand (no PDF library
writes text here), then read back by the real pypdf like any user's file."""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(pages: list[list[str]], size: int = 11) -> bytes:
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for lines in pages:
        stream = f"BT /F1 {size} Tf 14 TL 60 780 Td " + " ".join(f"({_escape(line)}) '" for line in lines) + " ET"
        content = stream.encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_ref = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_ref, 0))
        kids.append(len(objects))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font = len(objects)
    objects = [o.replace(b"/F1 0 0 R", b"/F1 %d 0 R" % font) for o in objects]
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# Richer layouts, written by ReportLab (a real PDF writer, test dependency only): each page is a list of
# items placed where a word processor would put them.
Item = tuple[str, float, float, float, str]  # (kind, x, y, size, text); kind: text | bold | sup | rule | vrule


def layout_pdf(path: str, pages: list[list[Item]], outline: list[tuple[str, int, int]] | None = None,
               title: str | None = None, author: str | None = None) -> str:
    """Write ``pages`` to ``path``; ``outline`` entries are (title, level 0.., page index)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(path, pagesize=(595, 842))
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    for index, items in enumerate(pages):
        for kind, x, y, size, text in items:
            if kind == "rule":  # a horizontal rule of length ``size``
                pdf.line(x, y, x + size, y)
                continue
            if kind == "vrule":  # a vertical rule of length ``size``, downwards
                pdf.line(x, y, x, y - size)
                continue
            font = "Helvetica-Bold" if kind == "bold" else "Helvetica"
            pdf.setFont(font, size)
            pdf.drawString(x, y, text)
        for entry, level, page in outline or []:
            if page == index:
                key = f"o{len(entry)}-{level}-{page}-{abs(hash(entry))}"
                pdf.bookmarkPage(key)
                pdf.addOutlineEntry(entry, key, level=level)
        pdf.showPage()
    pdf.save()
    return path


def paragraph(lines: list[str], x: float = 72, top: float = 700, size: float = 11, leading: float = 14,
              kind: str = "text") -> list[Item]:
    return [(kind, x, top - i * leading, size, line) for i, line in enumerate(lines)]


def ruled_table(rows: list[list[str]], x: float = 72, top: float = 640, widths: tuple[float, ...] = (180, 120, 100),
                height: float = 20, size: float = 10) -> list[Item]:
    """A table drawn as a word processor does: cell text inside a full grid of rules."""
    items: list[Item] = []
    total = sum(widths)
    for r, row in enumerate(rows):
        y = top - r * height
        items.append(("rule", x, y, total, ""))
        left = x
        for width, cell in zip(widths, row, strict=True):
            items.append(("text", left + 4, y - height + 6, size, cell))
            left += width
    items.append(("rule", x, top - len(rows) * height, total, ""))
    left = x
    for width in (*widths, 0):
        items.append(("vrule", left, top, len(rows) * height, ""))
        left += width
    return items
