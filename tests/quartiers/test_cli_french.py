"""The command line speaks French from its first line: help, usage and argparse's own errors."""

from __future__ import annotations

import pytest

from quartiers.cli import main


def _stderr_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code in (0, 2)
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    text = _stderr_of(["ask", "--help"], capsys)
    assert text.startswith("usage : quartiers ask") and "options:" in text
    assert "afficher cette aide et quitter" in text and "show this help" not in text


def test_argparse_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert "erreur : arguments obligatoires manquants : question" in _stderr_of(["ask"], capsys)
    assert "« zéro » : un nombre entier positif est attendu" in _stderr_of(["retrieve", "x", "-k", "zéro"], capsys)
    text = _stderr_of(["inconnue"], capsys)
    assert "choix invalide" in text and "error:" not in text and "usage:" not in text
