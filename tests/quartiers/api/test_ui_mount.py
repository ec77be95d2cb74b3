"""``quartiers ui`` serves the web app and the API on one port, in one process: the web login guards the web
app, the API key guards ``/v1`` and ``/mcp``, each independently of the other."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.served import running

openai = pytest.importorskip("openai")
pytestmark = pytest.mark.slow
KEY = "cle-api-ui-9b1e"
LOGIN = {"QUARTIERS_UI_USER": "agent", "QUARTIERS_UI_PASSWORD": "mot-de-passe-long"}


def status(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_web_app_and_api_share_one_port_with_separate_guards(store_copy: Path) -> None:
    env = {**LOGIN, "QUARTIERS_API_KEY": KEY}
    with running("ui", store_copy, env=env, ready_key=KEY, host="0.0.0.0") as up:
        pdf = next((store_copy / "documents").rglob("*.pdf"))
        assert status(f"{up.url}/gradio_api/file={pdf}") == 401  # the web login still guards the web app
        assert status(f"{up.url}/") == 200  # its login page
        assert status(f"{up.v1}/models") == 401
        assert status(f"{up.v1}/models", {"Authorization": f"Bearer {KEY}"}) == 200  # no web login needed
        client = openai.OpenAI(base_url=up.v1, api_key=KEY, max_retries=0, timeout=120)
        reply = client.chat.completions.create(
            model="quartiers", messages=[{"role": "user", "content": "Comment Nantes a-t-elle organisé l'aide "
                                          "alimentaire ?"}])
        assert "450 ménages" in reply.choices[0].message.content
        assert reply.choices[0].message.model_extra["citations"]
        log = up.log.read_text()
        assert KEY not in log and LOGIN["QUARTIERS_UI_PASSWORD"] not in log
