"""Several workers on one database: a due source is polled by exactly one of them, a dead
worker's sources are taken over when its claim ends, and each worker reports itself.

Each test runs on SQLite and on PostgreSQL; two workers are two separate connections (two
pools), as two processes would have."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings
from bot.models import Alert, ChatRef
from bot.polling.shared import SharedPollScheduler
from bot.polling.source import Source
from bot.store import Database, open_database
from bot.store import edits as edits_store
from bot.store import outbox as outbox_store
from bot.store import sources as sources_store
from bot.store import workers as workers_store
from tests.cli_helpers import run_main
from tests.conftest import FakeClock
from tests.discord_helpers import APPLICATION_ID, GUILD_ID, running_bot
from tests.pg_helpers import PgTestServer
from tests.pipeline_helpers import greenhouse, greenhouse_jobs, make_poller
from tests.process_helpers import BotRun, bot_env, closed_port
from tests.sources_helpers import local_server
from tests.telegram_emulator import free_port
from tests.test_outbox import add_alerts

LEASE_S = 60.0


@pytest.fixture
async def second_db(migrated_target: str, clock: FakeClock) -> AsyncIterator[Database]:
    """Another worker's connection to the same store."""
    database = await open_database(migrated_target, clock=clock)
    try:
        yield database
    finally:
        await database.close()


async def add_sources(db: Database, count: int) -> list[str]:
    names = [f"board-{n:02d}" for n in range(count)]
    await sources_store.ensure_sources(db, [(name, "greenhouse") for name in names])
    return names


async def test_workers_claiming_together_take_different_sources(
    db: Database, second_db: Database
) -> None:
    names = await add_sources(db, 20)
    first, second = await asyncio.gather(
        sources_store.claim_due(db, names, worker="a", lease_s=LEASE_S, limit=12),
        sources_store.claim_due(second_db, names, worker="b", lease_s=LEASE_S, limit=12),
    )
    claimed = [row.name for row in first] + [row.name for row in second]
    assert sorted(claimed) == names  # every source once, none twice
    assert {len(first), len(second)} == {12, 8}
    assert await workers_store.live_claims_by_worker(db, "sources") == {
        "a": len(first),
        "b": len(second),
    }


async def test_a_claimed_source_is_not_due_until_its_poll_ends_or_its_lease_does(
    db: Database, second_db: Database, clock: FakeClock
) -> None:
    names = await add_sources(db, 3)
    assert len(await sources_store.claim_due(db, names, worker="a", lease_s=LEASE_S, limit=3)) == 3
    clock.advance(LEASE_S - 1)
    assert (
        await sources_store.claim_due(second_db, names, worker="b", lease_s=LEASE_S, limit=3) == []
    )

    # "a" is still polling them: it renews its claims, which then outlast the first lease.
    assert await sources_store.renew_claims(db, names, worker="a", lease_s=LEASE_S) == 3
    assert await sources_store.renew_claims(db, names, worker="b", lease_s=LEASE_S) == 0
    clock.advance(LEASE_S - 1)
    later = await sources_store.claim_due(second_db, names, worker="b", lease_s=LEASE_S, limit=3)
    assert later == []

    # "a" polls board-00 and records it: its claim ends, and it is due one interval later.
    async with db.transaction() as conn:
        await sources_store.record_success(
            conn,
            "board-00",
            status="200",
            etag=None,
            last_modified=None,
            body_sha256=None,
            now=clock.now,
            next_poll_at=clock.now + 600,
            new_postings=0,
        )
    assert await workers_store.live_claims_by_worker(db, "sources") == {"a": 2}
    assert await sources_store.renew_claims(db, ["board-00"], worker="a", lease_s=LEASE_S) == 0

    # "a" dies: when its lease ends, "b" takes its other two sources over, at their due time.
    clock.advance(2)
    taken = await sources_store.claim_due(second_db, names, worker="b", lease_s=LEASE_S, limit=3)
    assert [row.name for row in taken] == ["board-01", "board-02"]
    assert all(row.next_poll_at == clock.now - 1 for row in taken)  # the lapsed lease
    assert await workers_store.live_claims_by_worker(db, "sources") == {"b": 2}


async def test_claims_only_the_sources_a_worker_knows(db: Database) -> None:
    names = await add_sources(db, 4)
    rows = await sources_store.claim_due(db, names[:2], worker="a", lease_s=LEASE_S, limit=10)
    assert sorted(row.name for row in rows) == names[:2]


async def test_two_poll_workers_share_the_boards_and_poll_each_once(
    migrated_target: str,
) -> None:
    """Two real schedulers with their own pollers and pools, against one board server: every
    board is fetched exactly once, and both workers did some of it."""
    fetched: Counter[str] = Counter()
    everything_polled = asyncio.Event()
    boards = [f"board{n:02d}" for n in range(16)]

    async def handle(request: web.Request) -> web.Response:
        fetched[request.path.strip("/")] += 1
        await asyncio.sleep(0.01)  # a fetch takes a moment: the other worker claims meanwhile
        if sum(fetched.values()) >= len(boards):
            everything_polled.set()
        return web.Response(body=greenhouse_jobs([]), content_type="application/json")

    async with local_server(handle) as port, httpx.AsyncClient() as http:
        url = f"http://127.0.0.1:{port}"
        sources: list[tuple[Source, int]] = [
            (greenhouse(f"{url}/{board}", board), 600) for board in boards
        ]
        schedulers = []
        databases = [await open_database(migrated_target) for _ in range(2)]
        try:
            for index, database in enumerate(databases):
                poller = make_poller(database, http, FakeClock())
                schedulers.append(
                    SharedPollScheduler(
                        poller=poller,
                        db=database,
                        sources=sources,
                        workers=4,
                        worker_id=f"w{index}",
                        idle_check_s=0.02,
                    )
                )
            for scheduler in schedulers:
                await scheduler.start()
            await asyncio.wait_for(everything_polled.wait(), 30)
            for scheduler in schedulers:
                await scheduler.wait_idle()
            await asyncio.sleep(0.1)  # a second round would be claimed here if one were due
        finally:
            for scheduler in schedulers:
                await scheduler.stop()
            for database in databases:
                await database.close()
    assert fetched == Counter({board: 1 for board in boards})
    assert all(scheduler.polled > 0 for scheduler in schedulers)
    assert sum(scheduler.polled for scheduler in schedulers) == len(boards)


async def test_the_registry_lists_live_workers_and_forgets_silent_ones(
    db: Database, clock: FakeClock
) -> None:
    row = workers_store.WorkerRow(
        id="h:1:aa", roles="poll", host="h", pid=1, started_at=clock.now, seen_at=clock.now
    )
    await workers_store.beat(db, row)
    await workers_store.beat(
        db, workers_store.WorkerRow("h:2:bb", "deliver", "h", 2, clock.now, clock.now + 5)
    )
    live = await workers_store.live(db, seen_after=clock.now - 30)
    assert [(w.id, w.roles) for w in live] == [("h:1:aa", "poll"), ("h:2:bb", "deliver")]
    clock.advance(100)
    await workers_store.beat(db, workers_store.WorkerRow("h:1:aa", "poll", "h", 1, 0, clock.now))
    assert [w.id for w in await workers_store.live(db, seen_after=clock.now - 30)] == ["h:1:aa"]
    assert await workers_store.prune(db, seen_before=clock.now - 30) == 1
    await workers_store.remove(db, "h:1:aa")
    assert await workers_store.live(db, seen_after=0) == []


async def test_a_running_worker_is_listed_with_its_role_until_it_stops(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    port = free_port()
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "vigia.db"}"\n[console]\nlanguage = "en"\n'
        f'[observability]\nlisten = "127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    async with BotRun(config, "--role", "deliver") as bot:
        await bot.wait_for_log("Vigia running")
        listed = await run_main("workers", "--config", str(config))
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
        bot.send(signal.SIGTERM)
        assert await bot.exit_code() == 0
    worker = health["parts"]["worker"]
    assert worker["up"] and f":{bot.process.pid}:" in worker["detail"]  # type: ignore[union-attr]
    assert worker["detail"].endswith("role=deliver")
    assert listed.code == 0, listed.output
    header, row, summary = listed.out.splitlines()
    assert header.split()[:2] == ["WORKER", "ROLE"]
    assert "ALERTS CLAIMED" in header and "EDITS CLAIMED" in header
    assert row.split()[1] == "deliver" and f":{bot.process.pid}:" in row.split()[0]  # type: ignore[union-attr]
    assert summary.startswith("1 live worker on ")
    after = await run_main("workers", "--config", str(config))
    assert after.out.startswith("No live workers")  # a clean stop deletes the row


async def test_workers_shows_the_sources_alerts_and_edits_each_worker_holds(
    migrated_target: str, tmp_path: Path
) -> None:
    # The command reads the wall clock: claims and beats are made at the present, so they
    # are live when it runs (leases of an hour).
    clock = FakeClock(time.time())
    db = await open_database(migrated_target, clock=clock)
    try:
        await sources_store.claim_due(
            db, await add_sources(db, 3), worker="h:1:poll", lease_s=3600, limit=10
        )
        await add_alerts(db, ChatRef("telegram", "1"), ["a1", "a2", "a3"])
        [sent] = await outbox_store.claim(db, platforms=["telegram"], limit=1, holder="h:2:send")
        assert await outbox_store.mark_sent(db, sent.id, "m1", claim=sent.claim)
        held = await outbox_store.claim(
            db, platforms=["telegram"], limit=10, lease_s=3600, holder="h:2:send"
        )
        assert len(held) == 2
        posting_id = await db.fetchval("SELECT posting_id FROM outbox WHERE id = ?", (sent.id,))
        async with db.transaction() as conn:
            await edits_store.queue_for_jobs(
                conn, [int(posting_id)], platforms=["telegram"], now=clock.now
            )
        assert await edits_store.claim(
            db, platforms=["telegram"], limit=10, lease_s=3600, holder="h:3:edit"
        )
        for pid, (worker, role) in enumerate(
            [
                ("h:1:poll", "poll"),
                ("h:2:send", "deliver"),
                ("h:3:edit", "deliver"),
                ("h:4:idle", "chat"),
            ],
            start=1,
        ):
            await workers_store.beat(
                db, workers_store.WorkerRow(worker, role, "h", pid, clock.now, clock.now)
            )
    finally:
        await db.close()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\ndatabase = "{migrated_target}"\n[console]\nlanguage = "en"\n',
        encoding="utf-8",
    )

    listed = await run_main("workers", "--config", str(config))

    assert listed.code == 0, listed.output
    header, *rows, summary = listed.out.splitlines()
    # Columns are two or more spaces apart; a value may hold one ("3s ago", a date and time).
    table = [
        dict(zip(re.split(r"\s{2,}", header), re.split(r"\s{2,}", row), strict=True))
        for row in rows
    ]
    claims = ("SOURCES CLAIMED", "ALERTS CLAIMED", "EDITS CLAIMED")
    assert [(r["WORKER"], r["ROLE"], *(r[c] for c in claims)) for r in table] == [
        ("h:1:poll", "poll", "3", "0", "0"),
        ("h:2:send", "deliver", "0", "2", "0"),
        ("h:3:edit", "deliver", "0", "0", "1"),
        ("h:4:idle", "chat", "0", "0", "0"),
    ]
    assert summary.startswith("4 live workers on ")


async def test_a_named_lock_is_held_by_one_process_at_a_time(
    db: Database, second_db: Database
) -> None:
    release = await db.try_hold("telegram-getupdates-1")
    assert release is not None
    assert await second_db.try_hold("telegram-getupdates-1") is None
    other = await second_db.try_hold("telegram-getupdates-2")  # another bot: its own lock
    assert other is not None
    await release()
    again = await second_db.try_hold("telegram-getupdates-1")
    assert again is not None
    await again()
    await other()


TELEGRAM_TOKEN = "123456:AAH-telegram-secret-token-for-tests"


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_second_telegram_long_polling_process_is_refused(tmp_path: Path, mode: str) -> None:
    """While one process long-polls for the bot (it holds the lock here), a second chat
    worker in polling mode stops at once with a clear error, before asking Telegram for
    anything; in webhook mode it goes on (and here fails on the unreachable API instead)."""
    database = tmp_path / "vigia.db"
    webhook = 'webhook_url = "https://bot.example.com/hook"\n' if mode == "webhook" else ""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\ndatabase = "{database}"\n[console]\nlanguage = "en"\n'
        f'[telegram]\nmode = "{mode}"\n{webhook}'
        f'base_url = "http://127.0.0.1:{closed_port()}/bot"\n',
        encoding="utf-8",
    )
    holder = await open_database(str(database))
    release = await holder.try_hold("telegram-getupdates-123456")
    assert release is not None
    try:
        async with BotRun(
            config, "--role", "chat", env=bot_env(TELEGRAM_TOKEN=TELEGRAM_TOKEN)
        ) as bot:
            assert await bot.exit_code() == 1
    finally:
        await release()
        await holder.close()
    refused = "long polling already runs in another process" in bot.text
    assert refused == (mode == "polling"), bot.text
    assert TELEGRAM_TOKEN not in bot.text and "Traceback" not in bot.text


@pytest.mark.parametrize(("shards", "syncs"), [([1, 3], False), ([0, 2], True)])
async def test_a_chat_worker_runs_the_discord_shards_its_config_names(
    tmp_path: Path, shards: list[int], syncs: bool
) -> None:
    """Two chat workers split four shards; the commands (the application's, not a shard's)
    are synced by the worker that runs shard 0."""
    workers = {"discord_shard_ids": shards, "discord_shard_count": 4}
    async with running_bot(tmp_path, workers=workers) as bot:
        assert bot.client.shard_ids == shards
        assert bot.client.shard_count == 4
        synced = bot.stub.sent("PUT", rf"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
        assert bool(synced) == syncs


@pytest.mark.parametrize(
    "workers",
    [
        {"discord_shard_ids": [0, 4], "discord_shard_count": 4},
        {"discord_shard_ids": [1]},
        {"discord_shard_ids": [1, 1], "discord_shard_count": 2},
    ],
)
def test_shard_ids_outside_the_count_are_a_config_error(workers: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="shard"):
        Settings.model_validate({"workers": workers})


@pytest.fixture
async def two_senders(
    postgres_server: PgTestServer, clock: FakeClock
) -> AsyncIterator[tuple[Database, Database]]:
    """Two delivery workers' pools on one PostgreSQL schema (several senders is a
    PostgreSQL deployment: one SQLite process has one)."""
    url = postgres_server.migrated_schema()
    first = await open_database(url, clock=clock)
    second = await open_database(url, clock=clock)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()
        postgres_server.recycle(url)


async def test_a_chat_another_sender_holds_waits_so_its_alerts_keep_their_order(
    two_senders: tuple[Database, Database],
) -> None:
    one, two = two_senders
    await add_alerts(one, ChatRef("telegram", "1"), ["a1", "a2", "a3"])
    await add_alerts(one, ChatRef("telegram", "2"), ["b1", "b2"])
    first = await outbox_store.claim(one, platforms=["telegram"], limit=1, holder="w1")
    assert [alert.posting.title for alert in first if isinstance(alert, Alert)] == ["a1"]
    # Chat 1 is being sent to by w1: w2 takes chat 2 only, not a2 ahead of a1.
    second = await outbox_store.claim(two, platforms=["telegram"], limit=10, holder="w2")
    assert [a.posting.title for a in second if isinstance(a, Alert)] == ["b1", "b2"]
    assert await workers_store.live_claims_by_worker(one, "outbox") == {"w1": 1, "w2": 2}
    assert await outbox_store.mark_sent(one, first[0].id, "m1", claim=first[0].claim)
    rest = await outbox_store.claim(two, platforms=["telegram"], limit=10, holder="w2")
    assert [a.posting.title for a in rest if isinstance(a, Alert)] == ["a2", "a3"]
