"""The long-running bot: scheduler, outbox drain, and whichever chats have a token.

With no platform token the console is the chat: alerts print to the terminal, so the main
job runs on a fresh machine.

Start: the store opens, then each configured platform logs in. A platform that cannot (a
token answered with 401, an API that cannot be reached) is one log line, without the token,
and exit code 1 within seconds, so a supervisor sees the failure instead of a bot that runs on
without its chats. SIGINT/SIGTERM during start-up stop it just as promptly.

Stop (SIGINT or SIGTERM): no new job starts, the polls in flight are cancelled (each writes in
one transaction, so nothing is half-written), the outbox drain in flight finishes the messages
on the wire and records them, and hands the rest of its batch back at once (a few seconds at
most), then the platforms stop, the store closes and the process exits 0, all within
`STOP_BUDGET_S`. Nothing is sent twice; what was not sent is sent after the next start.
A second signal exits at once. A platform that stops by itself while running (Discord's
gateway refusing the token) stops the bot with exit code 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

from bot.app import App, build_app
from bot.config import Settings, parse_listen
from bot.delivery.digest import DIGEST_CHECK_S
from bot.delivery.drain import OutboxDrainer
from bot.delivery.outcomes import Sender
from bot.errors import PlatformError
from bot.health import PartState
from bot.jobs import JobWatch, stop_in_order
from bot.observability import Observability
from bot.platforms import RunningPlatform, ended_reason, start_discord, start_telegram
from bot.polling.scheduler import Polls, PollScheduler, Scheduler, build_scheduler
from bot.polling.shared import SharedPollScheduler
from bot.workers import Heartbeat, Role, WorkerIdentity, roles_of

__all__ = ["EXIT_FAILED", "EXIT_OK", "run_bot", "settle_startup_objects"]


def settle_startup_objects() -> None:
    """Build what the first posting would build lazily (the public-suffix tries: 34,000
    objects), then freeze everything alive: the model, lexicons and config live as long as
    the process, and out of the collector's sight a full collection no longer stalls the
    loop 55-100 ms walking them."""
    from bot.polling.gc_pause import freeze_startup_objects
    from bot.postings.build import domain_of
    from bot.scam.link_parts import parse_link

    domain_of("https://jobs.example.com/")
    parse_link("https://jobs.example.com/")
    freeze_startup_objects()


log = logging.getLogger("vigia")
EXIT_OK = 0
#: A platform could not start, or stopped while running: a supervisor should restart us.
EXIT_FAILED = 1
#: Longest a platform's log-in may take before it counts as unreachable.
START_TIMEOUT_S = 30.0
#: Supervisors (systemd, Docker, Kubernetes) kill 10 s after SIGTERM by default.
STOP_BUDGET_S = 9.0
#: Of which the outbox drain in flight may use this much to finish its batch.
DRAIN_GRACE_S = 4.0
#: Stopping the polls, and each platform, gets at most this long.
STEP_TIMEOUT_S = 2.0
#: Closing the store always gets this much of the budget: its worker thread would keep the
#: process alive.
STORE_CLOSE_S = 1.0
#: `/healthz` calls the drain down when no drain finished for this many drain intervals
#: (a batch held up by a platform's rate limit can take a while), and at least this long.
DRAIN_STALE_INTERVALS = 30
MIN_DRAIN_STALE_S = 300.0
#: The part `/healthz` shows down while the bot starts and while it stops.
STARTUP_PART = "lifecycle"


class StopRequest:
    """Why the bot stops and with which exit code; the first request wins, a second signal
    exits at once."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.code = EXIT_OK
        self.reason = ""

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def request(self, code: int, reason: str) -> None:
        if self._event.is_set():
            return
        self.code, self.reason = code, reason
        self._event.set()

    def on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self._event.is_set():
            log.warning("%s again: exiting now, without finishing the stop", name)
            logging.shutdown()
            sys.stdout.flush()
            os._exit(EXIT_FAILED)
        self.request(EXIT_OK, name)

    async def wait(self) -> int:
        await self._event.wait()
        return self.code


def _install_signal_handlers(stop: StopRequest) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows' default loop
            loop.add_signal_handler(signum, stop.on_signal, signum)


async def run_bot(settings: Settings, role: Role = "all") -> int:
    """Run the parts of the bot `role` names (`bot.workers`); `all` is the whole bot."""
    stop = StopRequest()
    _install_signal_handlers(stop)
    roles = roles_of(role)
    app = await build_app(settings)
    settle_startup_objects()
    platforms: list[RunningPlatform] = []
    scheduler: Scheduler | None = None
    jobs: JobWatch | None = None
    heartbeat = Heartbeat(
        app.db,
        WorkerIdentity(role, detail=_detail(settings, roles)),
        interval_s=settings.workers.heartbeat_s,
    )
    drainer: OutboxDrainer | None = None
    endpoint: Observability | None = None
    app.health.report(STARTUP_PART, up=False, detail="starting")
    try:
        listen = settings.observability.listen
        if listen is not None:
            host, port = parse_listen(listen)
            endpoint = Observability(app.health, app.db, host=host, port=port)
            try:
                await endpoint.start()
            except OSError as error:
                endpoint = None
                log.error("observability.listen %s: cannot listen: %s", listen, error.strerror)
                return EXIT_FAILED
        try:
            await heartbeat.start()
            app.health.probe("worker", heartbeat.state)
            await _until_stopped(_start_platforms(app, platforms, roles), stop)
        except PlatformError as error:
            log.error("%s could not start: %s", error.platform, error.reason)
            return EXIT_FAILED
        if stop.requested:
            log.info("stopped during start-up (%s)", stop.reason)
            return stop.code
        from adapters.chat.console import ConsoleSender

        senders: dict[str, Sender] = {"console": ConsoleSender(sys.stdout)}
        for platform in platforms:
            senders[platform.name] = platform.sender
            app.health.probe(platform.name, platform.state)
            _stop_when_ended(platform, stop, app)
        delivers = "deliver" in roles
        drain_interval_s = settings.outbox.drain_interval_s
        jobs = JobWatch(
            drain_stale_s=max(MIN_DRAIN_STALE_S, DRAIN_STALE_INTERVALS * drain_interval_s)
        )
        drainer = app.drainer(senders, holder=heartbeat.identity.id) if delivers else None
        scheduler = build_scheduler(
            poller=app.poller,
            sources=app.sources if "poll" in roles else [],
            drainer=drainer,
            jitter_s=settings.polling.jitter_s,
            drain_interval_s=drain_interval_s,
            workers=settings.polling.max_concurrent_requests,
            housekeeping=app.housekeeping,
            digests=app.digest_maker(senders).run_once if delivers else None,
            digest_interval_s=DIGEST_CHECK_S,
            polls=_polls(app, heartbeat.identity.id, roles),
        )
        jobs.watch(scheduler.jobs)
        if delivers:
            app.health.probe("drain", jobs.drain_state)
        app.health.probe("scheduler", _scheduler_state(scheduler))
        await scheduler.start()
        app.health.forget(STARTUP_PART)
        log.info(
            "Vigia running as %s (role %s): %d source(s), chats: %s",
            heartbeat.identity.id,
            role,
            len(app.sources) if "poll" in roles else 0,
            ", ".join(sorted(senders)) if delivers else "none",
        )
        code = await stop.wait()
        log.info("stopping (%s)", stop.reason)
        return code
    finally:
        app.health.report(STARTUP_PART, up=False, detail="stopping")
        await _shutdown(app, scheduler, jobs, drainer, platforms, heartbeat, endpoint)


def _polls(app: App, worker_id: str, roles: frozenset[str]) -> Polls | None:
    """On PostgreSQL, poll workers claim due sources from the shared schedule; on SQLite
    (one process) the process keeps its own schedule (None: the default)."""
    settings = app.settings
    if "poll" not in roles:
        return PollScheduler(poller=app.poller, sources=[], jitter_s=0, workers=1)
    if app.db.dialect != "postgres":
        return None
    return SharedPollScheduler(
        poller=app.poller,
        db=app.db,
        sources=app.sources,
        workers=settings.polling.max_concurrent_requests,
        worker_id=worker_id,
        lease_s=settings.workers.poll_lease_s,
    )


def _detail(settings: Settings, roles: frozenset[str]) -> str:
    """What `workers` shows beside the role: the Discord shards a chat worker runs."""
    shards = settings.workers.discord_shard_ids
    if "chat" in roles and settings.discord.token is not None and shards is not None:
        listed = ",".join(str(shard) for shard in shards)
        return f"discord shards {listed}/{settings.workers.discord_shard_count}"
    return ""


async def _start_platforms(
    app: App, platforms: list[RunningPlatform], roles: frozenset[str]
) -> None:
    """Start each platform that has a token, appending it to `platforms` once it runs: to
    receive when the role answers chats, only to send when it only delivers."""
    if not roles & {"chat", "deliver"}:
        return
    receive = "chat" in roles
    settings = app.settings
    starters: list[tuple[str, Callable[..., Awaitable[RunningPlatform]]]] = []
    if settings.discord.token is not None:
        starters.append(("discord", start_discord))
    if settings.telegram.token is not None:
        starters.append(("telegram", start_telegram))
    for name, start in starters:
        try:
            async with asyncio.timeout(START_TIMEOUT_S):
                platforms.append(await start(app, receive=receive))
        except TimeoutError:
            raise PlatformError(name, f"no answer within {START_TIMEOUT_S:g}s") from None


async def _until_stopped(work: Awaitable[None], stop: StopRequest) -> None:
    """Run `work` unless a stop is requested first, which cancels it."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if not task.cancelled():
        task.result()  # re-raise the start's error


def _stop_when_ended(platform: RunningPlatform, stop: StopRequest, app: App) -> None:
    if platform.ended is None:
        return
    token = _token_of(app, platform.name)

    def ended(_task: asyncio.Task[None]) -> None:
        if stop.requested:
            return
        reason = ended_reason(platform, token)
        log.error("%s stopped: %s", platform.name, reason)
        stop.request(EXIT_FAILED, f"{platform.name} stopped")

    platform.ended.add_done_callback(ended)


def _token_of(app: App, platform: str) -> str:
    secret = app.settings.discord.token if platform == "discord" else app.settings.telegram.token
    return secret.get_secret_value() if secret is not None else ""


def _scheduler_state(scheduler: Scheduler) -> Callable[[], PartState]:
    def state() -> PartState:
        if not scheduler.polls.running:
            return PartState(False, "polling stopped")
        if not scheduler.jobs.running:
            return PartState(False, "drain and housekeeping jobs stopped")
        return PartState(True)

    return state


async def _shutdown(
    app: App,
    scheduler: Scheduler | None,
    jobs: JobWatch | None,
    drainer: OutboxDrainer | None,
    platforms: list[RunningPlatform],
    heartbeat: Heartbeat,
    endpoint: Observability | None = None,
) -> None:
    """Stop everything in order, whatever failed before, within `STOP_BUDGET_S` in all: each
    step is bounded, and the store always keeps `STORE_CLOSE_S` of the budget."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_BUDGET_S

    def left_s(step_s: float) -> float:
        return max(0.0, min(step_s, deadline - STORE_CLOSE_S - loop.time()))

    if scheduler is not None and jobs is not None:
        stopping = stop_in_order(
            scheduler,
            jobs,
            drain_grace_s=DRAIN_GRACE_S,
            polls_timeout_s=STEP_TIMEOUT_S,
            stop_drain=drainer.stop if drainer is not None else None,
        )
        await _bounded("the jobs", stopping, left_s(DRAIN_GRACE_S + STEP_TIMEOUT_S))
    for platform in reversed(platforms):
        app.health.forget(platform.name)
        await _bounded(platform.name, platform.stop(), left_s(STEP_TIMEOUT_S))
    if endpoint is not None:
        await _bounded("the health endpoint", endpoint.stop(), left_s(STEP_TIMEOUT_S))
    await _bounded("the worker row", heartbeat.stop(), left_s(STEP_TIMEOUT_S))
    await _bounded("the store", app.aclose(), STORE_CLOSE_S)
    log.info("stopped")


async def _bounded(what: str, step: Awaitable[None], timeout_s: float) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await step
    except TimeoutError:
        log.warning("stopping %s took over %.1fs; going on without it", what, timeout_s)
    except Exception as error:
        log.warning("stopping %s failed: %s", what, type(error).__name__)
