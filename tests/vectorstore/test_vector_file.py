"""The memory-mapped vector file: rows found by key, shared across processes' writes, crash leftovers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from vectorstore.vector_file import VectorFile


def _unit(seed: int, count: int) -> np.ndarray:
    block = np.random.default_rng(seed).normal(size=(count, 512)).astype(np.float32)
    return block / np.linalg.norm(block, axis=1, keepdims=True)


def test_vectors_are_read_back_by_key_and_a_second_writer_appends(tmp_path: Path) -> None:
    first = VectorFile(tmp_path / "use")
    placed = first.add(["a", "b", "c"], _unit(1, 3))
    other = VectorFile(tmp_path / "use")  # another process on the same store
    more = other.ensure(["b", "d"], ["texte b", "texte d"], lambda texts: _unit(2, len(texts)))
    assert more["b"] == placed["b"] and more["d"] == 3  # b was not encoded again; d took the next row
    rows = first.rows(["a", "d", "inconnue"])
    assert set(rows) == {"a", "d"}
    assert np.allclose(first.vectors([rows["a"]])[0], _unit(1, 3)[0])
    assert np.allclose(first.vectors([rows["d"]])[0], _unit(2, 1)[0])  # the reader maps the grown file again
    assert isinstance(first.matrix(), np.memmap)


def test_rows_a_killed_writer_left_are_overwritten_not_served(tmp_path: Path) -> None:
    vectors = VectorFile(tmp_path / "use")
    vectors.add(["a"], _unit(1, 1))
    with open(vectors.data, "ab") as out:  # a writer killed after its rows, before its keys committed
        out.write(_unit(9, 2).tobytes()[:3000])
    assert vectors.rows(["a", "x"]) == {"a": 0}
    placed = vectors.add(["x"], _unit(3, 1))
    assert placed == {"x": 1} and np.allclose(vectors.vectors([1])[0], _unit(3, 1)[0])


def test_a_former_npz_cache_is_taken_in_once(tmp_path: Path) -> None:
    legacy = tmp_path / "use.npz"
    np.savez(legacy, hashes=np.array(["h1", "h2"]), vectors=_unit(4, 2))
    vectors = VectorFile(tmp_path / "use")
    vectors.import_npz(legacy, "hashes")
    assert not legacy.exists() and set(vectors.rows(["h1", "h2"])) == {"h1", "h2"}


def test_threads_of_one_process_write_through_one_file_at_once(tmp_path: Path) -> None:
    """The web app's workers share one file: concurrent writes all land, each key on one row, none twice."""
    shared = VectorFile(tmp_path / "use")
    blocks = {n: _unit(10 + n, 8) for n in range(8)}

    def write(n: int) -> dict[str, int]:
        keys = [f"k{(n * 5 + i) % 40}" for i in range(8)]  # overlapping keys between threads
        return shared.ensure(keys, keys, lambda texts: blocks[n][: len(texts)], batch=2)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(write, range(8)))
    rows = shared.rows([f"k{i}" for i in range(40)])
    assert len(set(rows.values())) == len(rows)  # no two keys share a row
    for result in results:
        assert all(rows[k] == r for k, r in result.items())  # every thread was told the row that holds its key
