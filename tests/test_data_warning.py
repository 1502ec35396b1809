"""DataWarning travels between processes (pytest-xdist workers) as its class and message."""

from __future__ import annotations


def test_a_data_warning_can_be_made_again_from_its_message():
    """pytest-xdist sends a warning from a worker as its class and message; a DataWarning
    must survive that (a worker crashed on it)."""
    from boligmonitor.errors import DataWarning

    w = DataWarning("2 implausible values in x.csv")
    assert str(w) == "2 implausible values in x.csv" and w.problems.empty
