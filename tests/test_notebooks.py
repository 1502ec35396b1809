"""Every notebook runs top to bottom on the example data (jupytext py:percent -> nbclient, with
an ipykernel of this Python), and says that the example data is illustrative."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.py"))


def test_the_five_notebooks_are_there():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for key in ("text/plain", "text/html"):
                parts.append(str(out.get("data", {}).get(key, "")))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_example_data(path, tmp_path, monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_PROCESSED", raising=False)
    monkeypatch.delenv("BOLIGMONITOR_PROJECT", raising=False)
    monkeypatch.setenv("BOLIGMONITOR_FIGURES", str(tmp_path / "figures"))
    # Every chart written, but small and in one format: the notebook runs, not the renderer.
    monkeypatch.setenv("BOLIGMONITOR_FIGURE_DPI", "40")
    monkeypatch.setenv("BOLIGMONITOR_FIGURE_FORMATS", "png")
    monkeypatch.setenv("BOLIGMONITOR_OUTLOOK_DRAWS", "200")  # the outlook runs, not its precision
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # The kernel is this interpreter (the venv), whatever kernels Jupyter has installed.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep
                       + os.environ.get("PATH", ""))
    nb = jupytext.read(path)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    text = _outputs_text(nb)
    assert "Eksempeldata" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    if not path.stem.startswith("01"):
        assert images, "the charts must display inline"
    if path.stem.startswith("04"):
        assert "2021-uden-etnicitet" in text
    if path.stem.startswith("05"):
        assert "kalibreret" in text and "Helhedsplanen" in text
    if path.stem.startswith("03"):
        written = sorted(p.name for p in (tmp_path / "figures").iterdir())
        assert "overview.png" in written and len(written) > 10


def test_the_outlook_notebook_shows_only_the_disclosure_controlled_outlook():
    # A static check (running the notebook on data with small counts costs as much as the run
    # above): every table the notebook shows comes from `shown`, the suppressed outlook, never
    # from `result`, whose probabilities of an area with a small base are not suppressed.
    import re

    nb = jupytext.read(next(p for p in NOTEBOOKS if p.stem.startswith("05")))
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    first = next(i for i, src in enumerate(code) if "shown = suppress_outlook(" in src)
    shown_tables = re.compile(r"\bresult\.(summary|differences|probabilities|criteria|projections"
                              r"|references|thresholds)\b")
    for i, src in enumerate(code):
        assert not shown_tables.search(src), src
        if i < first:
            assert "shown" not in src.replace("shown = suppress_outlook(", "")
