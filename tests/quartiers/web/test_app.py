"""Start-up and layout without a browser: the login rule, and the page a visitor gets (every control the
browser tests and the page script find by id, the removal question hidden until asked for)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from quartiers.settings import Settings
from quartiers.web.app import credentials
from quartiers.web.layout import build_app
from quartiers.web.service import Service


def test_beyond_loopback_the_app_needs_a_login(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path)
    assert credentials(settings, "127.0.0.1") is None
    with pytest.raises(SystemExit, match=r"0\.0\.0\.0.*QUARTIERS_UI_USER et QUARTIERS_UI_PASSWORD"):
        credentials(settings, "0.0.0.0")
    login = Settings(store=tmp_path, ui_user="agent", ui_password=SecretStr("long-secret"))
    assert credentials(login, "0.0.0.0") == ("agent", "long-secret")


def test_the_page_has_every_control_and_asks_before_removing(tmp_path: Path) -> None:
    app = build_app(Service(Settings(store=tmp_path / "store")))
    shown = {c["props"].get("elem_id"): c["props"] for c in app.config["components"] if c["props"].get("elem_id")}
    for control in ("question", "send", "sources", "filter-region", "initiatives", "upload", "remove-choice",
                    "remove", "remove-yes", "remove-no", "documents-status"):
        assert control in shown, control
    assert shown["remove-confirm"]["visible"] is False
    assert shown["answerer"]["visible"] is False  # no LLM configured: no mode switch
