"""The scaffold of a project folder: the files ``boligmonitor init`` writes.

:func:`init_project` writes the configuration (commented), the data log and a mapping-file
template in ``data/raw``, ``data/processed`` and the notebooks (from
``src/boligmonitor/data/project/``), and with ``example`` the worked example's raw files. It
never overwrites or deletes anything, and refuses a folder that holds anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from boligmonitor.project.config import CONFIG_NAME, ProjectError

SCAFFOLD = "project"  # src/boligmonitor/data/project/: the files `init` writes


@dataclass
class InitResult:
    """What :func:`init_project` did: the files it wrote and the ones it left as they were."""

    root: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def scaffold_files() -> dict[str, bytes]:
    """The scaffold, by path relative to the project folder."""
    base = resources.files("boligmonitor").joinpath("data", SCAFFOLD)
    out: dict[str, bytes] = {}

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            name = child.name
            if name == "__pycache__":
                continue
            rel = f"{prefix}{name}"
            if child.is_dir():
                walk(child, rel + "/")
            else:
                # Files whose name would be taken as package data or hidden carry a suffix.
                target = rel.removesuffix(".template")
                if target.endswith("dot-gitignore"):
                    target = target.replace("dot-gitignore", ".gitignore")
                out[target] = child.read_bytes()

    walk(base, "")
    return dict(sorted(out.items()))


def example_raw_files() -> dict[str, bytes]:
    """The worked example as received (docs/your-data.md): the example areas as a Danish export,
    their reference values and published lists, by path in a project. Illustrative figures:
    every output built from them says so."""
    from boligmonitor.io.example import example_export_files, example_files

    export = example_export_files()
    out = {"data/raw/beboerdata.csv": export["beboerdata.csv"].read_bytes()}
    for layout in ("references", "memberships"):
        out[f"data/raw/{layout}.csv"] = example_files()[layout].read_bytes()
    return out


def init_project(folder: str | Path, *, example: bool = False) -> InitResult:
    """Write the scaffold of a project into ``folder`` (made if missing); with ``example``,
    also the worked example's files in ``data/raw`` (illustrative figures).

    Nothing that exists is overwritten or deleted: a file of the scaffold that is already
    there is kept as it is (so a partly made project is completed). A folder that holds
    anything else, and no ``boligmonitor.toml``, is refused: a project is made in an empty
    folder or completed in its own.
    """
    root = Path(folder)
    files = scaffold_files()
    if example:
        files.update(example_raw_files())
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{root}: exists and is not a folder")
    if root.is_dir():
        ours = {Path(rel).parts[0] for rel in files} | {"data", "reports", "figures"}
        others = sorted(p.name for p in root.iterdir() if p.name not in ours)
        if others and not (root / CONFIG_NAME).is_file():
            shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
            raise ProjectError(f"{root}: the folder is not empty ({shown}) and is not a "
                               "boligmonitor project; give a new or an empty folder")
    result = InitResult(root)
    for rel, content in files.items():
        target = root / rel
        if target.exists() or target.is_symlink():
            result.kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x": create, never replace (a file made meanwhile is left alone).
        with open(target, "xb") as fh:
            fh.write(content)
        result.written.append(target)
    for empty in ("data/processed", "reports"):
        (root / empty).mkdir(parents=True, exist_ok=True)
    return result
