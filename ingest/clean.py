"""Text normalisation shared by every loader.

The PDF and the Markdown version of one report must come out as the same words: ligatures folded
(pypdf returns ﬁ ﬀ ﬂ), typographic apostrophes and quotes folded, markup noise dropped while its words
stay, and wrapped lines joined without breaking real hyphenated compounds (Hautes-Pyrénées).
"""

from __future__ import annotations

import re
import unicodedata

from ingest.model import Block

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"'})
_SUP = re.compile(r"</?su[pb]>", re.IGNORECASE)
# Every pattern is linear in its input: no unbounded scan restarts at each opening bracket or star
# (``'[' * 200000`` took minutes with ``\[([^\]]+)\]``).
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\((?:[^()\s]{1,2000})\)")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]{1,2000})>")
_EMPHASIS = re.compile(r"(\*\*|__)([^*_\n]{1,500}?)\1|(?<![\w*])\*(?!\s)([^*\n]{1,500}?)(?<!\s)\*(?![\w*])")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
# A paragraph that ends on one of these words was cut mid-sentence (page break, stray blank line).
_DANGLING_WORDS = frozenset(
    (
        "de la le les des du et à au aux en par pour sur dans avec un une d' l' qu' que qui ou ces son sa ses "
        "leur leurs cette ce "
    ).split()
)
_TERMINAL = (".", "!", "?", "»", '"', ":", ";", "…", ")")


def normalise(text: str) -> str:
    """NFKC (ligatures, non-breaking spaces), folded apostrophes and quotes, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = text.replace("\u00ad", "")  # soft hyphens carry no letter
    return _SPACES.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Drop Markdown/HTML noise but keep its words: ``1<sup>er</sup>`` → ``1er``, links → their text."""
    text = _SUP.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    previous = None
    while previous != text:  # nested emphasis such as ***x***
        previous = text
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return text


def continues(previous: str, following: str) -> bool:
    """Whether ``following`` is the rest of a sentence cut at the end of ``previous``."""
    previous, following = previous.rstrip(), following.lstrip()
    if not previous or not following or previous.endswith(_TERMINAL):
        return False
    if following[0].islower():
        return True
    last_word = previous.split()[-1].lower()
    return last_word in _DANGLING_WORDS or last_word.endswith("'")


def append_text(block: Block, text: str, page: int | None) -> None:
    """Append a wrapped line (or a continued paragraph) to ``block``, recording where pages start."""
    text = text.strip()
    if not text:
        return
    separator = "" if not block.text or re.search(r"\w-$", block.text) else " "
    offset = len(block.text) + len(separator)
    block.text += separator + text
    if page is not None and (not block.page_starts or block.page_starts[-1][1] != page):
        block.page_starts.append((offset, page))


def merge_cut_paragraphs(blocks: list[Block]) -> list[Block]:
    """Rejoin paragraphs split mid-sentence by a page break or a stray blank line."""
    merged: list[Block] = []
    previous: Block | None = None  # the last block that is not a footnote: notes at a page's end don't cut
    for block in blocks:
        if block.kind == "footnote":
            merged.append(block)
            continue
        if (
            previous is not None
            and previous.kind == block.kind == "paragraph"
            and previous.italic == block.italic
            and continues(previous.text, block.text)
        ):
            base = len(previous.text) + 1
            previous.text += " " + block.text
            for offset, page in block.page_starts:
                if previous.page_starts and previous.page_starts[-1][1] == page:
                    continue
                previous.page_starts.append((base + offset, page))
        else:
            merged.append(block)
            previous = block
    return merged
