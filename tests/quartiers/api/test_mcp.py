"""The MCP server, end to end: the real ``mcp`` client over streamable HTTP against ``quartiers serve``
(tools listed with typed parameters and French descriptions, each called, the CLI's JSON returned)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bench.served import Running
from tests.conftest import run_json
from tests.quartiers.api.conftest import KEY

mcp = pytest.importorskip("mcp")
pytestmark = pytest.mark.slow
NANTES = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"


def session(url: str, key: str | None, work: Any) -> Any:
    """Run ``work(client)`` inside one MCP session."""
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    async def main() -> Any:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http, \
                mcp.Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
            return await work(client)

    return asyncio.run(main())


def call(server: Running, name: str, arguments: dict[str, Any]) -> Any:
    async def work(client: Any) -> Any:
        return await client.call_tool(name, arguments)

    return session(server.url, KEY, work)


def test_tools_are_listed_typed_and_described_in_french(server: Running) -> None:
    async def work(client: Any) -> Any:
        return await client.list_tools()

    tools = {t.name: t for t in session(server.url, KEY, work).tools}
    assert set(tools) == {"ask", "retrieve", "precedents"}
    ask = tools["ask"].input_schema
    assert ask["required"] == ["question"] and ask["properties"]["question"]["type"] == "string"
    assert ask["properties"]["answerer"]["enum"] == ["extractive", "llm"]
    assert tools["retrieve"].input_schema["properties"]["k"]["type"] == "integer"
    assert "Répond à une question" in tools["ask"].description
    assert "initiatives" in tools["precedents"].description.lower()


def test_ask_returns_the_cli_json(server: Running, built_store: Path) -> None:
    result = call(server, "ask", {"question": NANTES})
    assert not result.is_error
    answer = result.structured_content
    _, cli = run_json("ask", NANTES, store=built_store)
    assert set(answer) == set(cli)
    assert answer["answer"] == cli["answer"] and answer["citations"] == cli["citations"]
    follow = call(server, "ask", {"question": "Et combien de ménages ?", "history": [[NANTES, answer["answer"]]]})
    assert "450 ménages" in follow.structured_content["answer"]


def test_retrieve_and_precedents_return_the_cli_json(server: Running, built_store: Path) -> None:
    found = call(server, "retrieve", {"question": "aide alimentaire", "k": 3, "filters": {"region": ["occitanie"]}})
    _, cli = run_json("retrieve", "aide alimentaire", "-k", "3", "--filter", "region=occitanie", store=built_store)
    assert found.structured_content == cli
    themes = call(server, "precedents", {"theme": "aide alimentaire", "k": 4})
    _, cli = run_json("precedents", "aide alimentaire", "-k", "4", store=built_store)
    assert themes.structured_content == cli and len(cli["initiatives"]) == 4


def test_tool_errors_are_french(server: Running) -> None:
    result = call(server, "retrieve", {"question": "aide", "filters": {"ville": ["Nantes"]}})
    assert result.is_error and "filtre « ville » inconnu" in result.content[0].text
    bad = call(server, "retrieve", {"question": "aide", "k": 0})
    assert bad.is_error


def test_mcp_needs_the_key(server: Running) -> None:
    import httpx2

    response = httpx2.post(f"{server.url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                           headers={"Accept": "application/json, text/event-stream"}, timeout=10)
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"
