"""A command of `python -m bot` run inside the test process, for tests about what the command
does: its output, its exit status, what it leaves in the store.

    result = await run_main("poll", "--once", "--json", "--config", str(path))
    assert result.code == 0 and "..." in result.out

`python -m bot ARGS` is `sys.exit(main(ARGS))`, so `main`'s return value is the process's exit
status, and what it writes to standard output and error is what the process prints. Running
it here saves the second or so of imports a new interpreter spends before it does anything;
the suite starts a real process only where the process itself is what is tested (signals,
exit on a platform's failure, peak memory, a fresh interpreter's state), through
`tests.process_helpers`.

`main` runs on a thread of its own, as `asyncio.run` needs a loop of its own while the test's
loop goes on serving the local boards the command polls. The process-wide state a command
changes is put back afterwards: the logging set-up, standard input, output and error.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sys
from collections.abc import Iterator

from bot.logs import QUIET_LIBRARIES
from tests.process_helpers import Finished

__all__ = ["main_in_process", "run_main"]


async def run_main(*args: str, stdin: str | None = None) -> Finished:
    """`python -m bot ARGS` in this process: its exit status and what it printed.

    `stdin` is what the command reads from standard input (nothing, when None)."""
    return await asyncio.to_thread(main_in_process, *args, stdin=stdin)


def main_in_process(*args: str, stdin: str | None = None) -> Finished:
    """`run_main` for synchronous tests (no event loop of the test's own is running)."""
    from bot.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with (
        _logging_restored(),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _standard_input(stdin or ""),
    ):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse: --help, a usage error
            code = _exit_status(exit_.code)
    return Finished(code, out.getvalue(), err.getvalue())


def _exit_status(code: object) -> int:
    """The status `sys.exit(code)` gives a process."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def _standard_input(text: str) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """`main` sets up process-wide logging (a handler on standard error, levels); the test
    process's own set-up comes back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)
