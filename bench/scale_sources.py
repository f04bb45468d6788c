"""Benchmark: the real bot process (`python -m bot run`) polling N loopback job boards.

A separate server process serves N Greenhouse-shaped boards (5 postings each, ETags, 304 to
a conditional GET) on 127.0.0.1 and records when each board is requested. The bot runs with
its default settings except the interval (`--interval`, 120 s by default, the shortest the
config allows) and a database in a temporary folder. Each run prints:

- the bot's peak RSS (VmHWM),
- when the first request reached the server, and when the last board of the first round did,
- when the first poll was stored (its postings visible in the database) and when every
  board's first poll was,
- the gap between two polls of one board: p50, p95, max, against interval + jitter,
- how long the bot took to exit after SIGTERM, and how many tracebacks it logged.

`--stop-at 2,8` adds short runs that send SIGTERM that many seconds after the start (during
the start-up and first round) and report only the exit. The boards are `bench/servers.py`'s
loopback server (TCP_NODELAY on every connection: without it Nagle's algorithm and delayed
ACKs cost 40 ms a response).

The bot's CPU a board for the first round is given two ways: all of it over the boards
(start-up included, as before), and net of start-up: the CPU from the first request the
server saw to the last first poll stored, over the boards.

Run: .venv/bin/python bench/scale_sources.py [--sources 10000] [--runs 3] [--rounds 2.2]
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import LoopbackServer, board_path, greenhouse_boards  # noqa: E402

JOBS_PER_BOARD = 5
JITTER_S = 30  # the default polling.jitter_s


def write_config(folder: Path, port: int, sources: int, interval_s: int) -> Path:
    lines = [
        "[storage]",
        f'database = "{folder / "vigia.db"}"',
        "[polling]",
        f"default_interval_s = {interval_s}",
        "allow_loopback = true  # the boards are served on 127.0.0.1",
        "[[subscriptions]]",
        'chat = "console:"',
        'language = "en"',
    ]
    for index in range(sources):
        lines += [
            "[[sources]]",
            'kind = "greenhouse"',
            f'board = "b{index}"',
            f'url = "http://127.0.0.1:{port}/v1/boards/b{index}/jobs"',
        ]
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM in kB."""
    found: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_stored(db_path: Path) -> tuple[int, int]:
    """(postings stored, sources whose first poll is stored); (0, 0) before the tables exist."""
    if not db_path.exists():
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.2)
        try:
            postings = conn.execute("SELECT COUNT(*) FROM postings").fetchone()[0]
            done = conn.execute("SELECT COUNT(*) FROM sources WHERE first_poll_done = 1")
            return int(postings), int(done.fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, 0


@dataclass
class Run:
    peak_rss_mb: float = 0.0
    first_request_s: float = float("nan")
    last_first_round_request_s: float = float("nan")
    first_stored_s: float = float("nan")
    all_stored_s: float = float("nan")
    first_round_cpu_s: float = float("nan")  # the bot's CPU from start to every first poll
    startup_cpu_s: float = float("nan")  # the bot's CPU when the first request reached a board
    #: The last look at the store during the first round: the bot's CPU then and how many
    #: boards' first polls were stored (for a CPU a board when the round does not finish).
    round_cpu_s: float = float("nan")
    round_done: int = 0
    total_cpu_s: float = float("nan")
    gaps_s: list[float] = field(default_factory=list)
    boards_polled_twice: int = 0
    second_round_boards: int = 0
    exit_s: float = float("nan")
    exit_code: int | None = None
    tracebacks: int = 0
    cancelled: int = 0
    warnings: int = 0
    warning_lines: list[str] = field(default_factory=list)


def board_times(server: LoopbackServer, sources: int) -> list[list[float]]:
    """Each board's request times, by board number."""
    times = server.stats().times
    return [times.get(board_path(f"b{index}"), []) for index in range(sources)]


def run_bot(server: LoopbackServer, sources: int, interval_s: int, duration_s: float) -> Run:
    run = Run()
    port = server.port
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder, port, sources, interval_s)
        env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "TELEGRAM_TOKEN")}
        log_path = folder / "bot.log"
        server.reset()
        with log_path.open("wb") as log:
            started = time.time()
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(config)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            db_path = folder / "vigia.db"
            next_db_check = 0.0
            while time.time() - started < duration_s and bot.poll() is None:
                status = proc_status(bot.pid)
                run.peak_rss_mb = max(run.peak_rss_mb, status.get("VmHWM", 0) / 1024)
                now = time.time() - started
                if now >= next_db_check and (run.all_stored_s != run.all_stored_s):
                    if run.startup_cpu_s != run.startup_cpu_s and server.stats().times:
                        run.startup_cpu_s = cpu_s(bot.pid)
                    postings, done = count_stored(db_path)
                    if done:
                        run.round_cpu_s, run.round_done = cpu_s(bot.pid), done
                    if postings and run.first_stored_s != run.first_stored_s:
                        run.first_stored_s = now
                    if done >= sources:
                        run.all_stored_s = now
                        run.first_round_cpu_s = cpu_s(bot.pid)
                    next_db_check = now + (0.1 if run.first_stored_s != run.first_stored_s else 1)
                time.sleep(0.05)
            run.peak_rss_mb = max(run.peak_rss_mb, proc_status(bot.pid).get("VmHWM", 0) / 1024)
            run.total_cpu_s = cpu_s(bot.pid)
            stop_at = time.time()
            bot.send_signal(signal.SIGTERM)
            try:
                run.exit_code = bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
                run.exit_code = bot.wait()
            run.exit_s = time.time() - stop_at
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
        run.tracebacks = log_text.count("Traceback (most recent call last)")
        run.cancelled = log_text.count("CancelledError")
        run.warning_lines = [line for line in log_text.splitlines() if "WARNING" in line]
        run.warnings = len(run.warning_lines)
    times = board_times(server, sources)
    firsts = [board[0] for board in times if board]
    if firsts:
        run.first_request_s = min(firsts) - started
        if len(firsts) == sources:
            run.last_first_round_request_s = max(firsts) - started
    run.boards_polled_twice = sum(1 for board in times if len(board) >= 2)
    run.gaps_s = [b - a for board in times for a, b in itertools.pairwise(board)]
    return run


def net_cpu_ms(run: Run, sources: int) -> float:
    """The bot's CPU a board from its first request to its last first poll stored; when the
    first round did not finish, over the boards whose first poll was stored by the last look
    (the part of the round where fewer jobs are stored to match against, so lower)."""
    if run.first_round_cpu_s == run.first_round_cpu_s:
        return (run.first_round_cpu_s - run.startup_cpu_s) / sources * 1000
    if not run.round_done:
        return float("nan")
    return (run.round_cpu_s - run.startup_cpu_s) / run.round_done * 1000


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(name: str, values: list[float], unit: str, digits: int = 1) -> str:
    clean = [value for value in values if value == value]
    if not clean:
        return f"  {name}: n/a"
    return (
        f"  {name}: min {min(clean):.{digits}f} {unit}, median "
        f"{statistics.median(clean):.{digits}f} {unit}  (runs: "
        + ", ".join(f"{value:.{digits}f}" for value in values)
        + ")"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--interval", type=int, default=120, help="poll interval, s (>= 120)")
    parser.add_argument("--rounds", type=float, default=2.2, help="run length, in intervals")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stop-at", default="2,8", help="extra runs: SIGTERM after S seconds")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, Python {sys.version.split()[0]}")
    print(
        f"{args.sources} Greenhouse boards x {JOBS_PER_BOARD} postings on loopback, interval "
        f"{args.interval} s, jitter {JITTER_S} s, {args.rounds} intervals per run, "
        f"{args.runs} runs"
    )
    with LoopbackServer(greenhouse_boards, args.sources, JOBS_PER_BOARD) as server:
        runs = []
        for number in range(args.runs):
            run = run_bot(server, args.sources, args.interval, args.rounds * args.interval)
            runs.append(run)
            print(
                f"run {number + 1}: peak RSS {run.peak_rss_mb:.0f} MB; first request "
                f"{run.first_request_s:.1f} s, last of round 1 {run.last_first_round_request_s:.1f}"
                f" s; first poll stored {run.first_stored_s:.1f} s, all {run.all_stored_s:.1f} s "
                f"(bot CPU {run.first_round_cpu_s:.1f} s = "
                f"{run.first_round_cpu_s / args.sources * 1000:.1f} ms/board with start-up, "
                f"{net_cpu_ms(run, args.sources):.1f} ms/board after it, over "
                f"{run.round_done} boards);"
                f" gap p50 {percentile(run.gaps_s, 0.5):.1f} s p95 "
                f"{percentile(run.gaps_s, 0.95):.1f} s max {max(run.gaps_s, default=0):.1f} s "
                f"({run.boards_polled_twice} boards polled twice); SIGTERM exit "
                f"{run.exit_s:.2f} s code {run.exit_code}, tracebacks {run.tracebacks}, "
                f"CancelledError {run.cancelled}, WARNING lines {run.warnings}",
                flush=True,
            )
            for line in run.warning_lines[:3]:
                print(f"    {line[:300]}")
        limit_s = 1.1 * args.interval + JITTER_S
        print(f"summary over {len(runs)} runs (goals in brackets):")
        print(summary("peak RSS [<= 150 MB]", [r.peak_rss_mb for r in runs], "MB", 0))
        print(summary("first poll stored [<= 10 s]", [r.first_stored_s for r in runs], "s"))
        print(summary("first request", [r.first_request_s for r in runs], "s"))
        print(
            summary(
                "last first-round request [<= 2 intervals]",
                [r.last_first_round_request_s for r in runs],
                "s",
            )
        )
        print(summary("every first poll stored", [r.all_stored_s for r in runs], "s"))
        print(
            summary(
                f"poll gap p95 [<= {limit_s:.0f} s]",
                [percentile(r.gaps_s, 0.95) for r in runs],
                "s",
            )
        )
        print(summary("poll gap p50", [percentile(r.gaps_s, 0.5) for r in runs], "s"))
        print(summary("SIGTERM to exit [<= 10 s]", [r.exit_s for r in runs], "s", 2))
        print(
            summary(
                "first-round CPU a board, net of start-up [<= 8 ms]",
                [net_cpu_ms(r, args.sources) for r in runs],
                "ms",
            )
        )
        print(f"  tracebacks logged: {[r.tracebacks for r in runs]}")
        seen = server.stats()
        print(
            f"  server: {seen.connections} connections, {seen.nodelay_connections} already "
            "without Nagle's algorithm (the server turns it off on the others)"
        )
        stops = [float(value) for value in args.stop_at.split(",") if value.strip()]
        for stop_s in stops:
            run = run_bot(server, args.sources, args.interval, stop_s)
            print(
                f"SIGTERM {stop_s:.0f} s after start: exit in {run.exit_s:.2f} s, code "
                f"{run.exit_code}, tracebacks {run.tracebacks}, CancelledError {run.cancelled}, "
                f"peak RSS {run.peak_rss_mb:.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
