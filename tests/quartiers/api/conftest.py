"""One ``quartiers serve`` behind a key, on a copy of the bundled-corpus store, for the API and MCP tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.served import Running, running

KEY = "cle-api-de-test-7f3a9c"


@pytest.fixture(scope="session")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    store = tmp_path_factory.mktemp("api") / "store"
    shutil.copytree(built_store, store)
    with running("serve", store, env={"QUARTIERS_API_KEY": KEY}, ready_key=KEY) as up:
        yield up
