"""Make JupyterLab in this environment open notebooks/*.py (jupytext py:percent) as notebooks.

Writes ``<env>/share/jupyter/lab/settings/overrides.d/boligmonitor.json``, a file of its own
that JupyterLab reads beside the user's settings (a setting changed in JupyterLab still wins).
Nothing outside the environment is touched. Used by ``make lab``; run as
``python tools/lab_settings.py .venv``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"python": "Jupytext Notebook"},
    },
}


def main(env: str) -> int:
    target = Path(env) / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    target.mkdir(parents=True, exist_ok=True)
    path = target / "boligmonitor.json"
    text = json.dumps(SETTINGS, indent=2) + "\n"
    if not path.is_file() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else sys.prefix))
