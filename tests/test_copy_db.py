"""`python -m bot migrate` and `python -m bot copy-db SRC DST`, run as an operator would (their
`main`, in the test process: `tests.cli_helpers`): moving a SQLite store to PostgreSQL loses
no subscription, pending alert or confirmed scam report, and the new store goes on numbering
where the old one stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.models import ChatRef, Filter, Posting, RiskLevel, Verdict
from bot.store import open_database
from bot.store import outbox as outbox_store
from bot.store import reports as reports_store
from bot.store import scripts as scripts_store
from bot.store import subscriptions as subscriptions_store
from bot.store.migrations import MIGRATIONS
from tests.cli_helpers import run_main
from tests.pg_helpers import PgTestServer
from tests.pipeline_helpers import store_postings
from tests.test_outbox import RecordingSender, drainer


async def cli(*args: str) -> tuple[int, str, str]:
    done = await run_main(*args)
    return done.code, done.out, done.err


CHAT = ChatRef("telegram", "-100200")
OK = Verdict(risk=0, level=RiskLevel.OK)


def settings_file(tmp_path: Path, database: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\ndatabase = "{database}"\n[console]\nlanguage = "en"\n')
    return path


async def fill_sqlite(path: str) -> None:
    """A store in use: a chat's subscription and language, three alerts (sent, being sent
    when the copy is taken, pending), a user's report and an administrator-confirmed script."""
    db = await open_database(path)
    try:
        sub = await subscriptions_store.add_subscription(
            db, CHAT, Filter(keywords=("rlhf",), max_risk=RiskLevel.CAUTION), language="en"
        )
        await subscriptions_store.set_chat_language(db, CHAT, "en")
        postings = [
            Posting(source="test", native_id=str(i), url=f"https://x.test/{i}", title=f"job {i}")
            for i in range(3)
        ]
        check_ids = await store_postings(db, postings, OK, sub)
        (first,) = await outbox_store.claim(db, platforms=["telegram"], limit=1)
        await outbox_store.mark_sent(db, first.id, "m1", claim=first.claim)
        await outbox_store.claim(db, platforms=["telegram"], limit=1)  # left 'sending'
        await reports_store.upsert_report(
            db, subject="https://x.test/0", user="telegram:5", kind="scam", check_id=check_ids[0]
        )
        await scripts_store.add_confirmed_script(
            db,
            script_id="admin-1",
            text="send a deposit for your training kit",
            label="advance fee",
            check_id=check_ids[0],
            confirmed_by="telegram:5",
        )
    finally:
        await db.close()


async def test_a_sqlite_store_moves_to_postgres_with_nothing_lost(
    tmp_path: Path, postgres_server: PgTestServer
) -> None:
    source = str(tmp_path / "vigia.db")
    await fill_sqlite(source)
    destination = postgres_server.new_schema()
    config = str(settings_file(tmp_path, source))

    status, out, err = await cli("copy-db", source, destination, "--config", config)
    assert status == 0, err
    assert "subscriptions: 1 row\n" in out and "outbox: 3 rows" in out

    db = await open_database(destination)
    try:
        (sub,) = await subscriptions_store.chat_subscriptions(db, CHAT)
        assert sub.filter == Filter(keywords=("rlhf",), max_risk=RiskLevel.CAUTION)
        assert await subscriptions_store.chat_language(db, CHAT) == "en"
        assert await reports_store.report_counts(db, "https://x.test/0") == {"scam": 1}
        assert [s.id for s in await scripts_store.confirmed_scripts(db)] == ["admin-1"]
        # The alert that was being sent and the pending one go out from the new store; the
        # one already sent does not.
        sender = RecordingSender("telegram")
        await drainer(db, sender).drain_all()
        assert sender.sent == [("-100200", "job 1"), ("-100200", "job 2")]
        # New rows are numbered after the copied ones.
        added = await subscriptions_store.add_subscription(
            db, ChatRef("telegram", "9"), Filter(), language="es"
        )
        assert added.id == sub.id + 1
    finally:
        await db.close()

    status, _, err = await cli("copy-db", source, destination, "--config", config)
    assert status == 1 and "the destination is not empty" in err


async def test_migrate_applies_the_schema_and_says_so(
    tmp_path: Path, postgres_server: PgTestServer
) -> None:
    url = postgres_server.new_schema()
    config = str(settings_file(tmp_path, url))
    status, out, err = await cli("migrate", "--config", config)
    assert status == 0, err
    assert f"schema at version {len(MIGRATIONS)} ({len(MIGRATIONS)} migrations applied)" in out
    status, out, _ = await cli("migrate", "--config", config)
    assert status == 0 and "(0 migrations applied)" in out


async def test_an_unreachable_database_is_one_line_without_its_password(tmp_path: Path) -> None:
    url = "postgresql://vigia:hunter2-secret@127.0.0.1:9/vigia"
    status, out, err = await cli("migrate", "--config", str(settings_file(tmp_path, url)))
    assert status == 1
    assert err.startswith("database error: cannot open postgresql://vigia:***@127.0.0.1:9/vigia")
    assert "hunter2" not in err + out and "Traceback" not in err


@pytest.mark.parametrize("value", ["mysql://db/vigia", "postgresql:///nohost"])
async def test_a_database_that_is_neither_a_path_nor_a_postgres_url_is_refused(
    tmp_path: Path, value: str
) -> None:
    status, _, err = await cli("migrate", "--config", str(settings_file(tmp_path, value)))
    assert status == 2 and "storage.database" in err
