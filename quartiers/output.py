"""How commands print: plain French text, or one JSON object with --json."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False) if args.json else text)


def fail(args: argparse.Namespace, message: str, detail: Any = None) -> int:
    if args.json:
        print(json.dumps({"error": message, "detail": detail}, ensure_ascii=False))
    else:
        print(f"Erreur : {message}", file=sys.stderr)
    return 1
