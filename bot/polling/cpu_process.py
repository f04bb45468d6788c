"""The CPU worker process: a poll's parsing and scoring on the machine's other core.

One interpreter runs one thread at a time, so the bot's CPU thread (`bot.polling.cpu`) and
its event loop share one core: 500 boards of 40 postings took about 14 s of CPU there. A
second interpreter, started when there is a lot of such work (never for small boards: it
costs about a second of CPU to start and ~100 MB), takes its share on another core.

Both ends live here. The bot starts `python -m bot.polling.cpu_process` as an asyncio
subprocess (a fresh interpreter, never a fork of a process with threads and a running loop)
and talks to it over its stdin and stdout: length-prefixed pickles, in order. It first sends
the `Kit` (a copy of the scam checker and the relevance filter: the same scripts, model and
thresholds give the same verdicts), again whenever the checker learns a script, then tasks:
a function of `bot.polling.cpu_tasks` and its arguments. Each answer is data, never a raised
error: the value, or a `Failure` describing the exception (rebuilt as the same type in the
bot), with the log records the task wrote, which the bot logs (and counts, for posting
failures) as if they were its own.

The worker ignores SIGINT (a terminal's Ctrl-C reaches the whole process group; the bot
decides when to stop) and exits when its stdin closes, so it never outlives the bot. If it
dies, the tasks it held are answered with `WorkerGone` and run again in the bot.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import importlib
import logging
import os
import pickle
import signal
import struct
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from bot.failures import count_replayed
from bot.polling.cpu_tasks import Kit
from bot.polling.portable import dumps

__all__ = [
    "Failure",
    "KitNotPortable",
    "NotPortable",
    "WorkerGone",
    "WorkerProcess",
    "serve",
]

log = logging.getLogger("vigia.poll")
R = TypeVar("R")
_HEADER = struct.Struct("!Q")
#: The stream buffer of the worker's answers: a parsed page of a big board is ~0.5 MB.
_READ_LIMIT = 1 << 20
#: How long stopping waits for the worker to exit once its stdin is closed.
EXIT_WAIT_S = 1.0


class WorkerGone(Exception):
    """The worker process stopped before answering (killed, crashed, or the bot stops)."""


class NotPortable(Exception):
    """A task's arguments cannot be sent to the worker process (they do not pickle)."""


class KitNotPortable(NotPortable):
    """The kit cannot be sent (a checker with a family written as a closure, in tests)."""


@dataclass(frozen=True, slots=True)
class Failure:
    """An exception raised by a task in the worker, as data: its type (by name), its args
    and attributes, its message and traceback."""

    module: str
    qualname: str
    args: tuple[Any, ...]
    state: dict[str, Any]
    text: str
    trace: str

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        kind = type(error)
        args, state = error.args, dict(getattr(error, "__dict__", {}))
        try:
            pickle.dumps((args, state))
        except Exception:  # parts that do not pickle: the message is kept
            args, state = (str(error),), {}
        return cls(
            kind.__module__,
            kind.__qualname__,
            args,
            state,
            str(error),
            "".join(traceback.format_exception(error)),
        )

    def rebuilt(self) -> BaseException:
        """The same exception type with the same args and attributes (its `__init__` is not
        run again); a `RuntimeError` naming it when the type cannot be found."""
        error: BaseException
        try:
            kind: Any = importlib.import_module(self.module)
            for part in self.qualname.split("."):
                kind = getattr(kind, part)
            if not (isinstance(kind, type) and issubclass(kind, BaseException)):
                raise TypeError(self.qualname)
            error = kind.__new__(kind, *self.args)
            BaseException.__init__(error, *self.args)
            if self.state:
                error.__dict__.update(self.state)
        except Exception:
            error = RuntimeError(f"{self.module}.{self.qualname}: {self.text}")
        error.add_note(f"raised in the CPU worker process:\n{self.trace}")
        return error


@dataclass(slots=True)
class _Answer:
    """What the worker sends back for one task."""

    ok: bool
    value: Any  # the task's result, or a Failure
    records: list[dict[str, Any]] = field(default_factory=list)


# -- the bot's end ---------------------------------------------------------------------------


class WorkerProcess:
    """The bot's handle on one worker process: tasks in, answers out, in order."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._pending: collections.deque[asyncio.Future[bytes]] = collections.deque()
        self._write_lock = asyncio.Lock()
        self._revision: int | None = None
        self._stopping = False
        self._gone = False
        #: Tasks answered so far.
        self.answered = 0
        self._reader = asyncio.get_running_loop().create_task(self._read_answers())

    @classmethod
    async def start(cls) -> WorkerProcess:
        """A new worker process (it loads its kit with the first task)."""
        environment = dict(os.environ)
        # The same modules as the bot, wherever it was started from.
        environment["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.polling.cpu_process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=environment,
            limit=_READ_LIMIT,
        )
        return cls(process)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return not (self._stopping or self._gone)

    async def run(self, kit: Kit, function: Callable[..., R], *args: object) -> R:
        """`function(kit copy, *args)` in the worker. Raises what the task raised (rebuilt),
        `NotPortable` before sending anything, or `WorkerGone`."""
        try:
            task = dumps(("run", function, args))
        except Exception as error:
            raise NotPortable(f"{getattr(function, '__name__', function)}: {error}") from error
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        async with self._write_lock:
            if not self.alive:
                raise WorkerGone("the CPU worker process has stopped")
            stdin = self._process.stdin
            assert stdin is not None
            if self._revision != kit.revision:
                revision = kit.revision
                level = logging.getLogger().getEffectiveLevel()
                try:
                    message = pickle.dumps(("kit", kit, level), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as error:
                    raise KitNotPortable(f"the kit: {error}") from error
                self._write_frame(stdin, message)
                self._revision = revision
            self._write_frame(stdin, task)
            self._pending.append(future)
            try:
                await stdin.drain()
            except BaseException as error:
                future.cancel()  # nobody will wait for its answer
                if isinstance(error, ConnectionError):
                    raise WorkerGone(f"the CPU worker process stopped: {error}") from error
                raise
        answer: _Answer = pickle.loads(await future)
        _replay(answer.records)
        if not answer.ok:
            raise answer.value.rebuilt()
        result: R = answer.value
        return result

    @staticmethod
    def _write_frame(stdin: asyncio.StreamWriter, frame: bytes) -> None:
        stdin.write(_HEADER.pack(len(frame)))
        stdin.write(frame)

    async def _read_answers(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        try:
            while True:
                (size,) = _HEADER.unpack(await stdout.readexactly(_HEADER.size))
                frame = await stdout.readexactly(size)
                future = self._pending.popleft()
                self.answered += 1
                if not future.done():  # its caller may have been cancelled meanwhile
                    future.set_result(frame)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._gone = True
            gone = WorkerGone("the CPU worker process stopped")
            while self._pending:
                future = self._pending.popleft()
                self.answered += 1
                if not future.done():
                    future.set_exception(gone)
        if not self._stopping:
            code = await self._process.wait()
            log.warning(
                "the CPU worker process (pid %d) stopped with exit code %s; "
                "polls go on in the bot's own process",
                self._process.pid,
                code,
            )

    def close(self) -> None:
        """Stop now: close its stdin (it exits when idle) and end it if it is busy."""
        if self._stopping:
            return
        self._stopping = True
        if self._process.stdin is not None:
            self._process.stdin.close()
        if self._process.returncode is None and self._pending:
            with contextlib.suppress(ProcessLookupError):
                self._process.terminate()  # its work is dropped anyway

    async def aclose(self) -> None:
        """`close`, then wait (briefly) for it to exit and its pipes to be read out."""
        self.close()
        try:
            async with asyncio.timeout(EXIT_WAIT_S):
                await self._process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            await self._process.wait()
        with contextlib.suppress(Exception):
            await self._reader


def _replay(records: list[dict[str, Any]]) -> None:
    """Log the worker's records here, as if written here; posting failures are counted."""
    for fields in records:
        record = logging.makeLogRecord(fields)
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)
        count_replayed(record)


# -- the worker's end ------------------------------------------------------------------------


class _Keep(logging.Handler):
    """Keeps each record as plain fields, for the bot to log."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = dict(record.__dict__)
        fields["msg"], fields["args"] = record.getMessage(), None
        if record.exc_info:
            fields["exc_text"] = fields.get("exc_text") or logging.Formatter().formatException(
                record.exc_info
            )
        fields["exc_info"] = None
        self.records.append(
            {key: value if _plain(value) else repr(value) for key, value in fields.items()}
        )

    def take(self) -> list[dict[str, Any]]:
        records, self.records = self.records, []
        return records


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None  # the bot closed our stdin: it stops
    (size,) = _HEADER.unpack(header)
    frame = stream.read(size)
    if len(frame) < size:
        return None
    return frame


def serve() -> None:
    """The worker's loop: read a message, answer tasks, until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Answers go to the original stdout; anything a library prints goes to stderr instead.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    requests = sys.stdin.buffer
    keep = _Keep()
    root = logging.getLogger()
    root.addHandler(keep)
    kit: Kit | None = None
    while (frame := _read_frame(requests)) is not None:
        message = pickle.loads(frame)
        if message[0] == "kit":
            kit, level = message[1], message[2]
            root.setLevel(level)
            # The kit lives as long as the worker: out of the collector's sight.
            gc.collect()
            gc.freeze()
            continue
        _, function, args = message
        try:
            answer = _Answer(True, function(kit, *args))
        except Exception as error:
            answer = _Answer(False, Failure.of(error))
        answer.records = keep.take()
        try:
            reply = dumps(answer)
        except Exception as error:  # a result that does not pickle: a failure all the same
            reply = pickle.dumps(_Answer(False, Failure.of(error), answer.records))
        answers.write(_HEADER.pack(len(reply)))
        answers.write(reply)
        answers.flush()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Run from the module's own name, so the answers pickle as `bot.polling.cpu_process`'s.
    from bot.polling.cpu_process import serve as serve_tasks

    serve_tasks()
