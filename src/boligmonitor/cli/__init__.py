"""The command line: the one place that wires paths, logging, progress bars and exit codes.

Each sub-command is a module of this package named after it (``validate``, ``ingest``, ...)
with ``add_parser(sub)``, which declares its arguments and returns its handler, and
``run(args)``, the handler, which returns the exit code; what several commands share (the data
options, the project folder, printing) is :mod:`boligmonitor.cli.common`. This module builds
the parser (:data:`COMMANDS`) and runs a command (:func:`main`), the one place where errors
become exit codes. Library errors become one clear message (and, for validation errors, the
table of problems) on stderr with exit code 2; so does an operating-system error on a path the
user gave (a file that cannot be read, a directory that cannot be written). A closed pipe
(``boligmonitor assess | head -1``) ends the command quietly. Anything else is a bug and shows
its traceback; ``--debug`` shows the traceback of every error.

Everything printed goes through :func:`echo`, which escapes the characters a terminal would
act on (control characters, bidi overrides) wherever they come from: a name in the data, a
header, a file name.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from boligmonitor.cli import (
    aggregate,
    assess,
    ingest,
    init,
    outlook,
    plot,
    report,
    validate,
)
from boligmonitor.cli.common import (
    Handler,
    add_data_arguments,
    add_lang_argument,
    add_project_argument,
    current_project,
    echo,
    echo_problems,
    load_dataset,
)
from boligmonitor.errors import (
    BoligmonitorError,
    DataValidationError,
    DataWarning,
    format_problems,
)

__all__ = [
    "COMMANDS",
    "Handler",
    "add_data_arguments",
    "add_lang_argument",
    "add_project_argument",
    "build_parser",
    "current_project",
    "echo",
    "load_dataset",
    "main",
]

log = logging.getLogger("boligmonitor")


WARNING_LINES = 20  # implausible values shown per warning; the rest are counted


def _echo_warning(w: DataWarning) -> None:
    n = len(w.problems)
    where = f" in {w.source}" if w.source else ""
    echo(f"warning: {n} implausible value{'s' if n != 1 else ''}{where}", err=True)
    echo(format_problems(w.problems, limit=WARNING_LINES), err=True)


# The sub-commands in the order --help lists them.
COMMANDS: list[Callable[[argparse._SubParsersAction], Handler]] = [
    init.add_parser,
    validate.add_parser,
    ingest.add_parser,
    aggregate.add_parser,
    assess.add_parser,
    plot.add_parser,
    report.add_parser,
    outlook.add_parser,
]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """Return the argument parser and the handler of each sub-command."""
    parser = argparse.ArgumentParser(
        prog="boligmonitor",
        description="Monitor public housing areas against the criteria of "
        "almenboligloven §§ 61 a-b.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of every error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for add in COMMANDS:
        before = set(sub.choices)
        handler = add(sub)
        for name in set(sub.choices) - before:
            handlers[name] = handler
    return parser, handlers


def _os_error(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    if exc.filename is not None:
        other = f" -> {exc.filename2}" if exc.filename2 is not None else ""
        return f"{exc.filename}{other}: {what}"
    return what


def _quiet_stdout() -> None:
    """After a closed pipe: send what is still buffered nowhere, so that the interpreter's own
    flush at exit does not complain about the pipe either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            try:
                code = handlers[args.command](args)
            finally:
                for w in caught:
                    if isinstance(w.message, DataWarning):
                        _echo_warning(w.message)
                    else:  # not ours to judge: shown as Python would have shown it
                        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 141  # the shell's code for a command ended by a closed pipe (128 + SIGPIPE)
    except KeyboardInterrupt:
        if args.debug:
            raise
        echo("interrupted", err=True)
        return 130
    except MemoryError as exc:
        # Asked for more than the machine holds (outlook --draws, a huge --list-years range):
        # one line, as for a user error; --debug shows where.
        if args.debug:
            raise
        detail = str(exc).strip() or "MemoryError"
        echo(f"error: not enough memory for this run ({detail}); ask for less, e.g. fewer "
             "--draws or list years", err=True)
        return 2
    except DataValidationError as exc:
        if args.debug:
            raise
        echo_problems(exc)
        return 2
    except BoligmonitorError as exc:
        if args.debug:
            raise
        echo(f"error: {exc}", err=True)
        return 2
    except OSError as exc:
        # A path the user gave: a file that cannot be read, a directory that cannot be written.
        if args.debug:
            raise
        echo(f"error: {_os_error(exc)}", err=True)
        return 2
