"""Themes of initiatives, assigned automatically with the bundled encoders.

Each theme is a short French description. An initiative's passages are compared with every description
by the store's embedder (e5 by default: query vector of the description against the stored passage
vectors) and by the Universal Sentence Encoder; each theme's similarities are centred on its mean over
the whole corpus (some descriptions sit closer to everything than others), the two encoders' scores are
averaged, and an initiative takes its best theme plus those close behind it. Nothing names a word of one
corpus: the descriptions are the vocabulary of city policy at large.

Like the lexical and USE indexes, themes are derived from what the collection holds and cached under
``STORE/derived/`` keyed by a fingerprint of the initiatives' passages, the descriptions and the embedder,
so a new document's initiatives get themes as soon as it is indexed (the indexer refreshes the cache) and
a Chroma server needs nothing more than it stores.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vectorstore.lexical import fingerprint
from vectorstore.paging import pages
from vectorstore.theme_scores import Scored, ThemeScores

if TYPE_CHECKING:
    from vectorstore.embedders import QuartiersEmbeddings
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import Store

# slug -> (label shown to users, description embedded as a query)
THEMES: dict[str, tuple[str, str]] = {
    "aide-alimentaire": ("Aide alimentaire", "aide alimentaire : distribution de colis, de paniers, de repas et de "
                         "bons alimentaires aux ménages démunis, banques alimentaires, approvisionnement en denrées"),
    "continuite-pedagogique": ("Continuité pédagogique", "continuité pédagogique et éducative : suivi scolaire des "
                               "élèves à distance, devoirs, décrochage scolaire, lien avec l'école et les familles"),
    "numerique": ("Numérique", "fracture numérique : ordinateurs, tablettes, connexion internet, équipement "
                  "informatique et accompagnement aux usages numériques"),
    "masques-gel": ("Masques et gel", "masques et gel hydroalcoolique : fabrication, couture et distribution de "
                    "masques de protection, production de gel désinfectant"),
    "sante": ("Santé et santé mentale", "santé et santé mentale : souffrance psychique, groupes de parole, "
              "prévention sanitaire, promotion de la santé, soins"),
    "jeunesse-ete": ("Jeunesse et été", "jeunes et vacances d'été : animations estivales, activités de loisirs, "
                     "séjours et stages pendant l'été pour les enfants et les jeunes des quartiers"),
    "isolement": ("Personnes âgées et isolement", "personnes âgées, isolées ou fragiles : rompre l'isolement, "
                  "appels et visites aux voisins seuls, portage de courses et de médicaments à domicile"),
    "femmes": ("Femmes et violences faites aux femmes", "droits des femmes et égalité entre les femmes et les "
               "hommes : violences conjugales, femmes victimes, numéros d'urgence, accompagnement des femmes"),
    "emploi-insertion": ("Emploi et insertion", "emploi, insertion professionnelle et économie sociale et "
                         "solidaire : chômage, formation, création d'activité et rémunération des habitants"),
    "vie-associative": ("Vie associative", "vie associative : soutien aux associations, bénévoles, mise en réseau "
                        "et accompagnement des associations de proximité"),
    "coordination": ("Coordination des acteurs", "coordination des acteurs et pilotage : services de l'État, "
                     "préfecture, collectivités, cellules de crise, réunions et partage d'informations entre "
                     "partenaires, logistique"),
    "mediation": ("Médiation sociale", "médiation sociale et adultes-relais : médiateurs de proximité, aller vers "
                  "les habitants, formation et professionnalisation des médiateurs"),
    "culture-lien-social": ("Culture et lien social", "lien social, culture et loisirs : activités créatives et "
                            "artistiques, animations à distance, réseaux sociaux pour garder le contact avec les "
                            "familles"),
    "financement": ("Financement des projets", "financement des projets : subventions, fonds et appels à projets, "
                    "crédits de la politique de la ville, assouplissement des dispositifs de financement"),
}
MARGIN = 0.35  # a second theme within this share of the best one's (centred) score is kept too
MAX_THEMES = 3
_VERSION = "themes-1"


def theme_label(slug: str) -> str:
    return THEMES[slug][0] if slug in THEMES else slug


def slug_for(name: str) -> str | None:
    """A theme's slug from its slug or label (any case and accents): the UI and the CLI accept both."""
    from vectorstore.keys import fold

    wanted = fold(name.strip())
    for slug, (label, _) in THEMES.items():
        if wanted in (fold(slug), fold(label)):
            return slug
    return None


QUESTION_THEME_MIN = 0.3  # USE similarity of a question to a theme's label and description
QUESTION_THEME_MARGIN = 0.1  # ahead of the second theme: a question clearly about one theme


@lru_cache(maxsize=1)
def _theme_vectors() -> np.ndarray:
    from vectorstore.use_index import encode

    return encode([f"{label} : {description}" for label, description in THEMES.values()])


def question_theme(question: str) -> str | None:
    """The theme a question is clearly about (USE similarity), or None."""
    from vectorstore.use_index import encode

    scores = _theme_vectors() @ encode([question])[0]
    order = np.argsort(-scores)
    best, second = float(scores[order[0]]), float(scores[order[1]])
    if best >= QUESTION_THEME_MIN and best - second >= QUESTION_THEME_MARGIN:
        return list(THEMES)[int(order[0])]
    return None


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _centred(similarity: np.ndarray) -> np.ndarray:
    """Each theme's column centred on its corpus mean and scaled by its spread."""
    spread = similarity.std(axis=0, keepdims=True)
    return (similarity - similarity.mean(axis=0, keepdims=True)) / np.where(spread == 0, 1, spread)


def theme_scores(retriever: HybridRetriever) -> tuple[list[str], dict[str, np.ndarray]]:
    """Per initiative, one (centred) score per theme in ``THEMES`` order: the best of its passages.
    The centring is over every served passage; their raw similarities are computed once per document
    version (``theme_scores.ThemeScores``), so an ingest reads its own document's vectors only."""
    if not len(retriever):
        return list(THEMES), {}
    versions = sorted(retriever.trusted)
    stored = ThemeScores(retriever.store.folder / "derived" / f"{retriever.store.collection_name}-theme-scores.sqlite",
                         _cache_key(retriever.store, set()))
    stored.sync(versions, lambda missing: _raw_scores(retriever, missing))
    raw, initiatives = stored.all(versions)
    if not len(raw):
        return list(THEMES), {}
    similarity = (_centred(raw[:, : len(THEMES)]) + _centred(raw[:, len(THEMES) :])) / 2
    per_initiative: dict[str, list[int]] = {}
    for row, initiative in enumerate(initiatives):
        if initiative:
            per_initiative.setdefault(str(initiative), []).append(row)
    return list(THEMES), {k: similarity[rows].max(axis=0) for k, rows in per_initiative.items()}


_DESCRIBED: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}


def _described(embedder: QuartiersEmbeddings) -> tuple[np.ndarray, np.ndarray]:
    """The descriptions as the store embedder's queries and as USE vectors (transposed), once per process and
    embedder (name and version name its vectors, as for the embedding cache): every ingest derives themes,
    and fourteen e5 queries cost about a second."""
    key = (embedder.name, embedder.version)
    if key not in _DESCRIBED:
        from vectorstore.use_index import encode

        descriptions = [description for _, description in THEMES.values()]
        queries = _normalised(np.asarray([embedder.embed_query(d) for d in descriptions], dtype=np.float32))
        _DESCRIBED[key] = queries, encode(descriptions).T
    return _DESCRIBED[key]


def _raw_scores(retriever: HybridRetriever, versions: list[str]) -> dict[str, Scored]:
    """Per document version, each passage's similarity to every description: e5 (its stored vector against
    the description as a query) then USE, and the passage's initiative. Passages without a USE vector
    are left out, as the centring has nothing to compare them on."""
    queries, described = _described(retriever.store.embedder)
    use = retriever.use
    parts: dict[str, list[np.ndarray]] = {v: [] for v in versions}
    initiatives: dict[str, list[str | None]] = {v: [] for v in versions}
    for start in range(0, len(versions), 500):
        where = {"doc_version": {"$in": versions[start : start + 500]}}
        for page in pages(retriever.store.chunks, where=where, include=["embeddings", "metadatas"]):
            stored = use.vectors_of(page["ids"])
            metas = [m or {} for m in page["metadatas"]]
            kept = [n for n, i in enumerate(page["ids"]) if i in stored and str(metas[n].get("doc_version")) in parts]
            if not kept:  # the empty last page of a store whose size is a multiple of the page
                continue
            dense = _normalised(np.asarray([page["embeddings"][n] for n in kept], dtype=np.float32)) @ queries.T
            similar = np.asarray([stored[page["ids"][n]] for n in kept], dtype=np.float32) @ described
            for row, n in enumerate(kept):
                parts[str(metas[n]["doc_version"])].append(np.concatenate([dense[row], similar[row]]))
                initiatives[str(metas[n]["doc_version"])].append(metas[n].get("initiative_id"))
    return {v: (np.asarray(rows, dtype=np.float32).reshape(len(rows), -1), initiatives[v])
            for v, rows in parts.items()}


def assign(scores: np.ndarray, slugs: list[str]) -> list[str]:
    """The best theme, and up to two more whose score is close behind it."""
    order = np.argsort(-scores)
    best = float(scores[order[0]])
    kept = [slugs[order[0]]]
    for i in order[1:MAX_THEMES]:
        if best > 0 and scores[i] >= (1 - MARGIN) * best:
            kept.append(slugs[i])
    return kept


def _cache_key(store: Store, versions: set[str]) -> str:
    """Themes depend on every served passage (scores are centred on the corpus): on its document versions."""
    definitions = hashlib.sha256(json.dumps(THEMES, ensure_ascii=False).encode()).hexdigest()[:16]
    return fingerprint([_VERSION, definitions, store.embedder_spec, f"{MARGIN}", *sorted(versions)])


def _cache_path(store: Store) -> Path:
    return store.folder / "derived" / f"{store.collection_name}-themes.json"


def cached_themes(store: Store) -> dict[str, list[str]] | None:
    """The themes on disk when they match the store's documents: ``stats`` then loads no passage."""
    path = _cache_path(store)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("key") != _cache_key(store, store.trusted_versions()):
        return None
    return dict(data["themes"])


def initiative_themes(retriever: HybridRetriever) -> dict[str, list[str]]:
    """Theme slugs of every initiative the retriever serves, best first (cached on disk and in memory)."""
    cached: dict[str, Any] | None = getattr(retriever, "_themes", None)
    key = _cache_key(retriever.store, retriever.trusted)
    if cached is not None and cached.get("key") == key:
        return dict(cached["themes"])
    path = _cache_path(retriever.store)
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") == key:
            retriever._themes = data  # type: ignore[attr-defined]
            return dict(data["themes"])
    slugs, scores = theme_scores(retriever)
    data = {"key": key, "themes": {k: assign(v, slugs) for k, v in scores.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
    retriever._themes = data  # type: ignore[attr-defined]
    return dict(data["themes"])
