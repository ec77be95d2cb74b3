"""Quartiers' web app, the user-facing entry: ``python ui.py [--host H] [--port P] [--store DIR]``, the same
as ``quartiers ui``. Start-up and login are ``quartiers.web.app``, the layout ``quartiers.web.layout``.

Nothing here imports the command line (``quartiers.cli``), which imports ``quartiers.web.app`` itself.
"""

from __future__ import annotations

from quartiers.web.app import credentials, main, serve
from quartiers.web.layout import build_app

__all__ = ["build_app", "credentials", "main", "serve"]

if __name__ == "__main__":
    raise SystemExit(main())
