"""argparse in French: its usage lines, section titles and error messages are the user's first contact
with the command line. argparse looks each message up through ``gettext`` when it prints it, so giving its
module a French lookup is enough; messages without a translation stay as argparse wrote them."""

from __future__ import annotations

import argparse

FRENCH = {
    "usage: ": "usage : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s (%(matches)s)",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "expected at least one argument": "au moins une valeur est attendue",
}


def _french(message: str) -> str:
    return FRENCH.get(message, message)


def install() -> None:
    argparse._ = _french  # type: ignore[attr-defined]
