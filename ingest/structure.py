"""Recover the document's structure: heading paths and illustrated initiatives.

An initiative is a heading directly followed by an attribution line naming a resource centre and
usually a region, e.g. "Réso Villes (Bretagne – Pays de la Loire)". Its place is the city or territory
that its title or first sentences name (Nantes, Évreux, Mayotte...).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.model import Block, Initiative
from quartiers.text_toolkit import join_headings, slug

_DETERMINERS = ("Le ", "La ", "Les ", "L'", "Un ", "Une ", "Des ", "Ce ", "Cette ")
_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_CONTENTS_ENTRY = re.compile(r"\b([IVX]+)\.\s+(.+?)\s*(?:\.{2,}|…)+\s*p\.\s*\d+")
_ATTRIBUTION_PARENS = re.compile(r"^(?P<rc>[^()]+?)\s*\((?P<region>[^()]+)\)$")
_ATTRIBUTION_DASH = re.compile(r"^(?P<rc>.+)\s[-–—]\s(?P<region>.+)$")
_PLACE_NAME = r"([A-ZÀ-Ý][\w'-]*[\w](?:(?<=-L[ae])\s[A-ZÀ-Ý]\w+|(?<=-Les)\s[A-ZÀ-Ý]\w+)?)"
_STRONG = re.compile(
    r"(?:^|[\s(])(?:[àÀ]|[Dd]ans\s+l[ae]s?|[Dd]ans\s+l'|[Ee]n|territoire(?:\s+de)?|ville\s+de|quartiers?\s+(?:de|d'))\s*"
    + _PLACE_NAME
)
_WEAK = re.compile(r"(?:^|[\s(])(?:[Dd]e|[Dd]u|d'|[Ss]ur)\s*" + _PLACE_NAME)
_ORGANISATION = re.compile(r"\b(?:association|collectif|régie|structure|enseigne)\s+«?\s*([A-ZÀ-Ý][\w'-]*[\w])")
_PLACE_IN_PARENS = re.compile(r"\(" + _PLACE_NAME + r"[,)]")
# Capitalised words that follow "à", "de", "en"... without being places.
_NOT_PLACES = frozenset(
    (
        "covid état etat france préfet prefet ville villes conseil région region facebook santé éducation "
        "education ars ccas caf qpv banque restos super agence académie academie collectivité réseau reseau "
        "cité cite centre centres fonds programme projet contrat mission maison association associations "
        "dispositif crpv anct plateforme gip formation fip pat cls clsm iae ligue semaine semaines mai juin "
        "juillet avril mars novembre décembre septembre octobre janvier février août l la le les "
    ).split()
)


@dataclass
class Section:
    """The heading path and the initiative (if any) that a paragraph belongs to."""

    path: str
    initiative: Initiative | None


def parse_attribution(block: Block) -> tuple[str, str | None] | None:
    """(resource centre, region) when ``block`` is an attribution line, else None."""
    text = block.text.strip()
    if block.kind != "paragraph" or len(text.split()) > 14 or len(text) > 110 or text.endswith((".", ":", ";")):
        return None
    if not text[0].isupper():
        return None
    if text.startswith(_DETERMINERS) or any(ch in text for ch in "$=:{}[]<>/"):
        return None  # "Le Crédit d'Impôt…", "Depends: libfoo": a sentence or code, never a resource centre
    match = _ATTRIBUTION_PARENS.match(text)
    if match:
        if _defines_acronym(match.group("rc"), match.group("region")):
            return None
        return match.group("rc").strip(), match.group("region").strip()
    if not block.italic:
        return None  # a plain short line without "(Region)" is too weak a signal
    match = _ATTRIBUTION_DASH.match(text)
    if match:
        return match.group("rc").strip(), match.group("region").strip()
    return text, None


def _defines_acronym(name: str, parenthesised: str) -> bool:
    """``Transition Énergétique (TE)``: the parentheses spell the name's initials, they name no region."""
    acronym = parenthesised.strip()
    if not (acronym.isupper() and " " not in acronym):
        return False
    initials = "".join(word[0] for word in re.findall(r"[^\W\d_]+", name) if word[0].isupper())
    letters = iter(slugify(initials))
    return bool(initials) and all(ch in letters for ch in slugify(acronym))  # a subsequence of the initials


def find_place(title: str, opening: str, region: str | None) -> str | None:
    """The city or territory named by the title, else by the opening sentences, else the region if named."""
    searches = ((title, _STRONG), (title, _PLACE_IN_PARENS), (opening, _STRONG), (opening, _WEAK), (title, _WEAK))
    organisations = set(_ORGANISATION.findall(f"{title} {opening}"))  # "l'association Horizon" is no place
    for text, pattern in searches:
        for match in pattern.finditer(text):
            candidate = match.group(1).strip(" -'")
            if _plausible_place(candidate) and candidate not in organisations:
                return candidate
    if region and (region in title or region in opening):
        return region
    return None


def _plausible_place(candidate: str) -> bool:
    words = candidate.replace("-", " ").split()
    return bool(words) and words[0].lower() not in _NOT_PLACES and not any(ch.isdigit() for ch in candidate) and (
        len(candidate) > 2 and not candidate.isupper()
    )


slugify = slug  # its old name here


def _parts_from_contents(blocks: list[Block]) -> dict[str, str]:
    """Numbered parts listed in a table of contents ("I. Des acteur.rice.s en proximité ..... p. 4")."""
    text = " ".join(block.text for block in blocks if block.kind in ("paragraph", "contents") and "p." in block.text)
    return {slugify(title): numeral for numeral, title in _CONTENTS_ENTRY.findall(text)}


def sections(blocks: list[Block], source: str) -> list[tuple[Block, Section]]:
    """Pair every paragraph with its heading path and initiative; attribution lines are consumed.

    Headings listed as numbered parts in the table of contents become top-level ("III — ..."):
    the report styles its parts like subsections, which would file them under the editorial.
    """
    parts = _parts_from_contents(blocks)
    stack: list[tuple[int, str]] = []
    pending_numeral = ""
    initiative: Initiative | None = None
    initiative_level = 0
    after_heading = False
    out: list[tuple[Block, Section]] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            if _ROMAN.match(block.text):
                pending_numeral = block.text.rstrip(".") + " — "
                continue
            level, text = block.level, block.text
            numeral = parts.get(slugify(text))
            if numeral:
                level, text = 1, f"{numeral} — {text}"
            elif pending_numeral:
                text = pending_numeral + text
            pending_numeral = ""
            stack = [entry for entry in stack if entry[0] < level] + [(level, text)]
            if initiative is not None and level <= initiative_level:
                initiative = None
            after_heading = True
            continue
        if block.kind == "contents":
            continue  # read for the parts above, never indexed
        path = join_headings([text for _, text in stack])
        attribution = parse_attribution(block) if after_heading and stack and block.kind == "paragraph" else None
        after_heading = False
        if attribution is not None:
            title = stack[-1][1]
            opening = " ".join(b.text for b in blocks[index + 1 : index + 4] if b.kind == "paragraph")
            rc, region = attribution
            initiative = Initiative(
                initiative_id=_initiative_id(source, title, rc),
                title=title,
                resource_centre=rc,
                region=region,
                place=find_place(title, opening[:600], region),
            )
            initiative_level = stack[-1][0]
            continue
        out.append((block, Section(path, initiative)))
    return out


def _initiative_id(source: str, title: str, resource_centre: str) -> str:
    digest = hashlib.sha1(f"{source}|{title}|{resource_centre}".encode()).hexdigest()[:6]
    return f"{slugify(title)[:48].strip('-')}-{digest}"
