"""The OpenAI-compatible endpoint, end to end: the real ``quartiers serve`` on a free loopback port, a copy
of the bundled-corpus store, and the real ``openai`` Python client, as Open WebUI or a script would use it."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.served import Running, running
from tests.conftest import run_cli, run_json
from tests.quartiers.api.conftest import KEY
from vectorstore.keys import fold

openai = pytest.importorskip("openai")
pytestmark = pytest.mark.slow
NANTES = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"


@pytest.fixture
def client(server: Running):
    return openai.OpenAI(base_url=server.v1, api_key=KEY, max_retries=0, timeout=120)


def ask(client, content: str, **kwargs):
    return client.chat.completions.create(model="quartiers", messages=[{"role": "user", "content": content}],
                                          **kwargs)


def test_models_lists_the_collection(client) -> None:
    assert [m.id for m in client.models.list()] == ["quartiers"]


def test_answer_carries_verified_citations_and_links(client) -> None:
    reply = ask(client, NANTES)
    message = reply.choices[0].message
    extra = message.model_extra
    assert reply.choices[0].finish_reason == "stop" and message.role == "assistant"
    assert "450 ménages" in message.content and extra["refused"] is False
    assert "answerable" in extra  # null until the answer says it; then passed through
    numbers = {c["n"] for c in extra["citations"]}
    assert numbers and all(f"[{n}]" in message.content for n in numbers)
    for citation in extra["citations"]:
        assert citation["quote"] in message.content and citation["source"] == "quartiers-covid-crpv-2020.pdf"
        assert citation["page"] in (27, 28) and citation["url"].endswith(f"#page={citation['page']}")
    # The link serves the stored PDF (behind the same key).
    request = urllib.request.Request(extra["citations"][0]["url"], headers={"Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["content-type"] == "application/pdf" and response.read(5) == b"%PDF-"


def test_streaming_gives_the_same_answer_and_citations_last(client) -> None:
    whole = ask(client, NANTES).choices[0].message
    chunks = list(ask(client, NANTES, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    last = chunks[-1].choices[0]
    assert text == whole.content
    assert last.finish_reason == "stop"
    assert last.delta.model_extra["citations"] == whole.model_extra["citations"]
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])


def test_follow_up_through_messages(client) -> None:
    first = ask(client, NANTES).choices[0].message.content
    reply = client.chat.completions.create(model="quartiers", messages=[
        {"role": "system", "content": "Tu es un assistant utile."},  # ignored, as Open WebUI may send one
        {"role": "user", "content": NANTES}, {"role": "assistant", "content": first},
        {"role": "user", "content": [{"type": "text", "text": "Et combien de ménages ?"}]}])
    message = reply.choices[0].message
    assert "Nantes" in message.model_extra["rewritten_question"]
    assert "450 ménages" in message.content and not message.model_extra["refused"]


def test_filters_through_extra_body(client, server: Running) -> None:
    question = "Comment l'aide alimentaire a-t-elle été organisée ?"
    _, stats = run_json("stats", store=server.log.parent / "store")
    region_of = {i["title"]: i["region"] for i in stats["initiatives"]}
    plain = ask(client, question).choices[0].message
    chosen = ask(client, question, extra_body={"quartiers": {"filters": {"region": "occitanie"}}}).choices[0].message
    regions = {fold(region_of[c["initiative"]]) for c in chosen.model_extra["citations"] if c["initiative"]}
    assert not chosen.model_extra["refused"] and regions == {"occitanie"}
    assert chosen.content != plain.content
    with pytest.raises(openai.BadRequestError) as refused:
        ask(client, question, extra_body={"quartiers": {"filters": {"ville": "Nantes"}}})
    assert refused.value.status_code == 400 and "filtre « ville » inconnu" in refused.value.message
    with pytest.raises(openai.BadRequestError) as too_long:  # the CLI's bound on questions holds here too
        ask(client, "Comment " * 600)
    assert too_long.value.status_code == 400 and "QUARTIERS_MAX_QUESTION_CHARS" in too_long.value.message


def test_bad_requests_are_400_in_french(client) -> None:
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(model="quartiers", messages=[])
    assert "messages" in empty.value.message
    with pytest.raises(openai.BadRequestError) as last:
        client.chat.completions.create(model="quartiers", messages=[{"role": "assistant", "content": "Bonjour"}])
    assert "dernier message" in last.value.message
    with pytest.raises(openai.BadRequestError):
        ask(client, NANTES, extra_body={"quartiers": {"answerer": "gpt"}})


def test_wrong_or_missing_key_is_401(server: Running) -> None:
    for key in ("mauvaise-cle", ""):
        wrong = openai.OpenAI(base_url=server.v1, api_key=key or "x", max_retries=0,
                              default_headers={} if key else {"Authorization": ""})
        with pytest.raises(openai.AuthenticationError) as refused:
            ask(wrong, NANTES)
        assert refused.value.status_code == 401 and "Clé d'API absente ou invalide" in refused.value.message
        assert refused.value.code == "invalid_api_key"
    assert KEY not in server.log.read_text()  # the key is never logged


def test_unknown_model_is_404(client) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": NANTES}])
    assert missing.value.status_code == 404 and "« gpt-4o » inconnu" in missing.value.message


def test_empty_store_is_503(tmp_path: Path) -> None:
    with running("serve", tmp_path / "vide") as up:
        client = openai.OpenAI(base_url=up.v1, api_key="x", max_retries=0)
        with pytest.raises(openai.InternalServerError) as unavailable:
            ask(client, NANTES)
        assert unavailable.value.status_code == 503 and "est vide" in unavailable.value.message
        with pytest.raises(openai.InternalServerError):
            list(ask(client, NANTES, stream=True))


def test_serve_beyond_loopback_needs_a_key(tmp_path: Path) -> None:
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "9", store=tmp_path / "s")
    assert result.returncode == 1 and "QUARTIERS_API_KEY" in result.stderr


def test_documents_route_refuses_unknown_files(server: Running) -> None:
    request = urllib.request.Request(f"{server.v1}/documents/..%2F..%2Fetc%2Fpasswd",
                                     headers={"Authorization": f"Bearer {KEY}"})
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=10)
    assert missing.value.code == 404


def test_llm_answerer_without_a_model_says_why(client) -> None:
    message = ask(client, NANTES, extra_body={"quartiers": {"answerer": "llm"}}).choices[0].message
    assert "450 ménages" in message.content and message.model_extra["answerer"] == "extractive"
    assert "n'est pas configuré" in message.model_extra["fallback"]
