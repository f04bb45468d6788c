"""Running the real `python -m bot` process, and the local servers it is run against.

    result = await run_command("check", "--config", str(path), url)    # waits for the exit
    async with BotRun(config_path, env=...) as bot:                    # `run`, interactive
        await bot.wait_for_log("Vigia running")
        bot.send(signal.SIGTERM)
    peak = await measured_command("poll", "--once", ...)               # exit code + peak RSS

Every wait has a generous deadline that only guards the suite against a hung bot: a test
asserts what the bot did, never how fast. Tokens and configs come from the caller; the
parent's `DISCORD_TOKEN` / `TELEGRAM_TOKEN` never leak into a child.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from aiohttp import web

from tests.sources_helpers import local_server

ROOT = Path(__file__).resolve().parent.parent
#: Only a guard against a hung child: no test asserts a duration.
HANG_GUARD_S = 90.0


def bot_env(**extra: str) -> dict[str, str]:
    """The parent's environment without platform tokens or Vigia overrides, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISCORD_TOKEN", "TELEGRAM_TOKEN"} and not key.startswith("VIGIA_")
    }
    env.update(extra)
    return env


@dataclass(frozen=True, slots=True)
class Finished:
    code: int
    out: str
    err: str
    peak_rss_kb: int = 0

    @property
    def output(self) -> str:
        return self.out + self.err


async def run_command(
    *args: str, env: Mapping[str, str] | None = None, stdin: bytes | None = None
) -> Finished:
    """`python -m bot ARGS`, to its exit."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=dict(env if env is not None else bot_env()),
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), HANG_GUARD_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"python -m bot {' '.join(args)[:200]} did not exit") from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


async def measured_command(*args: str, env: Mapping[str, str] | None = None) -> Finished:
    """`python -m bot ARGS` to its exit, with the child's own peak resident memory (from
    `wait4`, so nothing else in the test process is counted)."""
    return await asyncio.to_thread(_measured, list(args), dict(env or bot_env()))


def _measured(args: list[str], env: dict[str, str]) -> Finished:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        guard = threading.Timer(HANG_GUARD_S, process.kill)
        guard.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            guard.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        out.seek(0)
        err.seek(0)
        return Finished(
            process.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss,  # KiB on Linux
        )


class BotRun:
    """`python -m bot run --config PATH` as a supervisor sees it: its log lines as they come,
    signals, its exit code."""

    def __init__(
        self, config: Path, *args: str, env: Mapping[str, str] | None = None
    ) -> None:
        self._config = config
        self._args = args
        self._env = dict(env if env is not None else bot_env())
        self.process: asyncio.subprocess.Process | None = None
        self.log: list[str] = []
        self.out = ""

    async def __aenter__(self) -> BotRun:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(self._config),
            *self._args,
            cwd=ROOT,
            env=self._env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def wait_for_log(self, text: str) -> str:
        """The first log line holding `text`; fails if the bot exits first."""
        assert self.process is not None and self.process.stderr is not None
        for line in self.log:
            if text in line:
                return line
        async with asyncio.timeout(HANG_GUARD_S):
            while True:
                raw = await self.process.stderr.readline()
                if not raw:
                    raise AssertionError(f"the bot exited before logging {text!r}:\n{self.text}")
                line = raw.decode(errors="replace")
                self.log.append(line)
                if text in line:
                    return line

    def send(self, signum: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def exit_code(self) -> int:
        """Wait for the exit (reading the rest of the output); its code."""
        assert self.process is not None
        try:
            out, err = await asyncio.wait_for(self.process.communicate(), HANG_GUARD_S)
        except TimeoutError:
            raise AssertionError(f"the bot did not exit:\n{self.text}") from None
        self.out += out.decode(errors="replace")
        self.log.extend(err.decode(errors="replace").splitlines(keepends=True))
        assert self.process.returncode is not None
        return self.process.returncode

    @property
    def text(self) -> str:
        return self.out + "".join(self.log)


# -- local servers ---------------------------------------------------------------------------


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def answering(status: int, body: object) -> AsyncIterator[str]:
    """A server answering every request with `status` and the JSON `body`; yields its base
    URL (http://127.0.0.1:PORT)."""

    async def handler(_request: web.Request) -> web.Response:
        return web.json_response(body, status=status)

    async with local_server(handler) as port:
        yield f"http://127.0.0.1:{port}"


@dataclass
class Stalled:
    url: str
    connected: asyncio.Event  # a client connected
    dropped: asyncio.Event  # a client closed its connection (gave up)


@contextlib.asynccontextmanager
async def stalled_server() -> AsyncIterator[Stalled]:
    """A server that accepts connections and never answers (an API that hangs)."""
    connected, dropped = asyncio.Event(), asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        connected.set()
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass
        dropped.set()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield Stalled(f"http://127.0.0.1:{port}", connected, dropped)
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


__all__ = [
    "ROOT",
    "BotRun",
    "Finished",
    "Stalled",
    "answering",
    "bot_env",
    "closed_port",
    "measured_command",
    "run_command",
    "stalled_server",
]


# -- commands started when the suite starts --------------------------------------------------


class EarlyCommand:
    """`python -m bot ARGS` started when collection ends, for a test marked
    `@pytest.mark.early_command(*ARGS)` to wait for: a long command that needs one core (the
    model's training) then runs beside the rest of the suite instead of holding it up.
    `{dir}` in ARGS is a fresh directory of the command's own."""

    def __init__(self, args: tuple[str, ...]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="vigia-early-"))
        self.args = [arg.replace("{dir}", str(self.dir)) for arg in args]
        self._out = self.dir / "stdout"
        self._err = self.dir / "stderr"
        with self._out.open("wb") as out, self._err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", *self.args],
                cwd=ROOT,
                env=bot_env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    def wait(self, guard_s: float = HANG_GUARD_S) -> Finished:
        """The command's exit code and output, once it has exited."""
        try:
            code = self.process.wait(guard_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"python -m bot {' '.join(self.args)} did not exit") from None
        out = self._out.read_text(errors="replace")
        return Finished(code, out, self._err.read_text(errors="replace"))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for path in sorted(self.dir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        self.dir.rmdir()
