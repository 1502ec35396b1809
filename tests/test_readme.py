"""The README's Python example runs as written, from the repository's root (here: a copy of
its docs/examples in a temporary folder, so that the ingest writes nowhere else)."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_readmes_python_example_runs_as_written(tmp_path):
    text = (REPO / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    shutil.copytree(REPO / "docs" / "examples", tmp_path / "docs" / "examples")
    scope: dict = {}
    with contextlib.chdir(tmp_path):
        exec(compile(blocks[0], "README.md", "exec"), scope)
    ds = scope["ds"]
    assert ds.is_example  # the worked example's files are recognised wherever they are copied
    assert (tmp_path / "data" / "processed" / "manifest.json").is_file()
    assert set(ds.tables()) == {"indicators", "references", "memberships"}
