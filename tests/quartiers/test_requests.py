"""Question requests that cannot be answered as they are get a French usage error, never an answer to
the wrong question; ``ask -`` goes on with the next line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from quartiers.requests import RequestError, filters_from, history_from, question_from
from tests.conftest import cli_command, run_cli


@pytest.mark.parametrize("value", ["", "   ", "\x00\x00", None, 3, ["question"]])
def test_blank_or_non_text_questions_are_refused(value: object) -> None:
    with pytest.raises(RequestError):
        question_from(value, 2000)


def test_a_long_question_names_the_bound_and_its_setting() -> None:
    with pytest.raises(RequestError, match="QUARTIERS_MAX_QUESTION_CHARS"):
        question_from("Comment " * 500, 2000)
    assert question_from("  Qui a distribué des masques ?\x00 ", 2000) == "Qui a distribué des masques ?"


def test_filters_and_history_are_checked() -> None:
    with pytest.raises(RequestError, match="clés possibles"):
        filters_from({"ville": "Nantes"})
    with pytest.raises(RequestError):
        filters_from({"region": 3})
    assert filters_from({"region": "Occitanie"}) == {"region": ["Occitanie"]}
    with pytest.raises(RequestError):
        history_from("une chaîne")
    assert history_from([["q", "r"]]) == [["q", "r"]]


def test_ask_blank_is_a_usage_error(built_store: Path) -> None:
    result = run_cli("ask", "  ", "--json", store=built_store)
    assert result.returncode == 2
    assert "question vide" in json.loads(result.stdout)["error"]


def test_ask_lines_bad_and_good(built_store: Path) -> None:
    lines = [
        json.dumps({"question": None}),
        "[" * 100_000,
        json.dumps({"question": "Qui ?", "filters": {"ville": "Nantes"}}),
        json.dumps({"question": "Qui ?", "history": "pas une liste"}),
        "pas du JSON",
        json.dumps({"question": "Comment Nantes a-t-elle organisé l'aide alimentaire ?"}),
    ]
    command = [*cli_command("ask", "-", "--store", built_store)]
    result = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=600,
                            env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and len(out) == 6, result.stderr[-2000:]
    assert all(o["error"] == "requête invalide" for o in out[:5])
    assert out[4]["detail"].startswith("ligne illisible : un objet JSON par ligne est attendu")  # said in French
    assert not any("Expecting" in str(o.get("detail")) for o in out)  # not json's own English message
    assert "Traceback" not in result.stderr
    assert "clés possibles" in out[2]["detail"] and "un objet JSON par ligne" in out[4]["detail"]
    assert out[5]["citations"] and not out[5]["refused"]


def test_a_filter_value_matching_nothing_lists_the_valid_ones(built_store: Path) -> None:
    result = run_cli("retrieve", "aide alimentaire", "--filter", "region=Bretagne", "--json", store=built_store)
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert "region=Bretagne" in error and "Bretagne - Pays de la Loire" in error
    ok = run_cli("retrieve", "aide alimentaire", "--filter", "region=bretagne - pays de la loire", "--json",
                 store=built_store)
    assert ok.returncode == 0 and json.loads(ok.stdout)["passages"]
    asked = run_cli("ask", "Qui distribue des repas ?", "--filter", "region=Bretagne", "--json", store=built_store)
    assert asked.returncode == 1  # checked by the assistant before answering: an error, not a refusal
    assert "Bretagne - Pays de la Loire" in json.loads(asked.stdout)["error"]
