"""The peak memory of a benchmark's own process (shared by the benchmark scripts; not a
benchmark itself: run_all.py runs bench_*.py)."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb() -> float:
    """Peak resident memory of this process, in MB.

    VmHWM (Linux) is the high-water mark of this process's own memory; ru_maxrss would carry
    the parent's peak across fork and exec, so it is only the fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
