"""Writing a file whole or not at all, with the permissions a plain ``open()`` would give it.

Every file the package writes goes through :func:`write_atomic`: the content goes to a
temporary file next to the target, which then replaces the target in one :func:`os.replace`.
A reader never sees half a file and a failure leaves the previous file as it was.

The temporary file is named ``.<target name>.<8 random characters>.boligmonitor-tmp``, so that
a temporary file left behind by a killed process is recognisably the package's own (see
:func:`leftover_target`), and is given the mode ``0o666 & ~umask`` before it takes the target's
place: :func:`tempfile.mkstemp` creates files readable by their owner only (0600), which would
silently make every output private although the user's umask says otherwise.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP_SUFFIX = ".boligmonitor-tmp"

# mkstemp's random part: 8 characters of this alphabet. The suffix was added later; a file
# without it but with the same shape was left by an earlier version of the package.
_LEFTOVER = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}(?:" + re.escape(TMP_SUFFIX) + r")?$")


def current_umask() -> int:
    """Return the process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets from ``open()`` under the current umask."""
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    """The mode a new directory gets from ``mkdir()`` under the current umask."""
    return 0o777 & ~current_umask()


def write_atomic(path: str | Path, data: bytes | Callable[[Path], object], *,
                 fsync: bool = True) -> Path:
    """Write ``data`` to ``path`` whole or not at all; return the path.

    ``data`` is the file's bytes, or a function that writes the file at the path it is given
    (for writers such as pandas' that want a path). The directory must exist.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=directory)
    except OSError as exc:
        raise _naming(exc, path) from exc
    tmp = Path(name)
    try:
        if callable(data):
            os.close(fd)
            data(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if fsync:
                    os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _naming(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _naming(exc: OSError, path: Path) -> OSError:
    """The error ``exc`` about the file the caller asked for, not the temporary file next to it
    (a user who may not write into a folder is told the name they gave)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror, str(path))  # the subclass follows the errno


def leftover_target(name: str) -> str | None:
    """Return the target name if ``name`` is a temporary file of :func:`write_atomic`."""
    m = _LEFTOVER.match(name)
    return m.group("target") if m else None
