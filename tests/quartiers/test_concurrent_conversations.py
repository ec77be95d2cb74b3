"""Twenty conversations at once through the served web app's queue and through the OpenAI-compatible API:
none fails, and each gets, turn by turn, the answers it gets when held alone (no state crosses between
sessions, no shared cache or stemmer answers for another). Figures: ``bench/conversations.py``."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from bench.conversations import api_conversation, conversations, held, web_conversation
from bench.served import running

pytestmark = pytest.mark.slow  # 20 two-turn conversations, alone then at once, on two channels (minutes)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, built_store: Path):
    import shutil

    store = tmp_path_factory.mktemp("conversations") / "store"
    shutil.copytree(built_store, store)
    key = secrets.token_hex(16)
    with running("ui", store, env={"QUARTIERS_API_KEY": key}, ready_key=key) as server:
        yield server, key


@pytest.mark.parametrize("channel", ["web", "api"])
def test_twenty_conversations_at_once_fail_none_and_get_the_answers_given_alone(served, channel: str) -> None:
    server, key = served
    talks = conversations()
    assert len(talks) == 20 and all(len(questions) == 2 for questions in talks)

    def talk(questions: list[str]):
        if channel == "web":
            return web_conversation(server.url + "/", questions)
        return api_conversation(server.v1, key, questions)

    alone = held(talk, talks, at_once=False)
    assert not [r for r in alone if isinstance(r, BaseException)]
    together = held(talk, talks, at_once=True)
    assert [r for r in together if isinstance(r, BaseException)] == []
    for questions, first, second in zip(talks, alone, together, strict=True):
        assert [text for text, _ in second] == [text for text, _ in first], questions  # type: ignore[union-attr]
    assert all("Erreur" not in text for r in together for text, _ in r)  # type: ignore[union-attr]
