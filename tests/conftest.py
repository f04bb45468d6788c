"""Fixtures shared across the suite: a fresh store (on each backend), a settable clock, the
payload server. And one TLS context for the suite's httpx clients (`_share_default_tls`)."""

from __future__ import annotations

import os
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import settings as hypothesis_settings

# The shared checks (`assert_fields`, …) live outside test modules: show their failures in full.
pytest.register_assert_rewrite("tests.sources_helpers")

from bot.store import Database, open_database  # noqa: E402
from tests.pg_helpers import PgTestServer, postgres_server  # noqa: E402, F401  (fixture)
from tests.process_helpers import EarlyCommand  # noqa: E402
from tests.sources_helpers import payload_server  # noqa: E402, F401  (fixture)

BACKENDS = ["sqlite", "postgres"]

# Property tests draw the same examples on every run (derandomized), so a run that fails fails
# again, on any machine, until fixed. `VIGIA_HYPOTHESIS=explore` draws new examples each run
# (and keeps failures in .hypothesis/ to replay), to look for new bugs; VIGIA_PROPERTY_EXAMPLES
# makes such a run deeper.
hypothesis_settings.register_profile("vigia", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("VIGIA_HYPOTHESIS", "vigia"))


@pytest.fixture(scope="session", autouse=True)
def _share_default_tls() -> Iterator[None]:
    """Every httpx client (the bot's, python-telegram-bot's, a test's own) builds a TLS
    context and loads the CA bundle into it: ~25 ms of CPU each, and a run builds several
    hundred (each test's whole bot has a dozen clients), to speak plain HTTP on 127.0.0.1.
    Here the default one (verify=True, no client certificate) is built once per setting and
    shared; verification is what it was. Any other kind is built as httpx builds it."""
    build = httpx.create_ssl_context
    shared: dict[tuple[bool, str | None, str | None], ssl.SSLContext] = {}

    def create_ssl_context(
        verify: ssl.SSLContext | str | bool = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if verify is not True or cert is not None:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        key = (
            trust_env,
            os.environ.get("SSL_CERT_FILE") if trust_env else None,
            os.environ.get("SSL_CERT_DIR") if trust_env else None,
        )
        if key not in shared:
            shared[key] = build(verify=True, trust_env=trust_env)
        return shared[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("httpx._transports.default.create_ssl_context", create_ssl_context)
        yield


#: Commands started when collection ends, by the test id that waits for them.
_EARLY: dict[str, EarlyCommand] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "early_command(*args): `python -m bot ARGS` starts when collection ends; the test "
        "takes the `early_command` fixture to wait for it",
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        marker = item.get_closest_marker("early_command")
        if marker is not None:
            _EARLY[item.nodeid] = EarlyCommand(tuple(marker.args))


def pytest_sessionfinish(session: pytest.Session) -> None:
    for command in _EARLY.values():
        command.close()
    _EARLY.clear()


@pytest.fixture
def early_command(request: pytest.FixtureRequest) -> EarlyCommand:
    """The command this test's `early_command` marker started when collection ended."""
    return _EARLY[request.node.nodeid]


class FakeClock:
    """Wall-clock time the test moves by hand, so backoff and leases are exact."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _no_settings_from_the_developer_s_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`load_settings` reads the environment: a developer's `VIGIA_*` overrides and platform
    tokens stay out of the tests (`VIGIA_TEST_*`, the harness's own, stay in)."""
    for name in list(os.environ):
        upper = name.upper()
        if upper in {"DISCORD_TOKEN", "TELEGRAM_TOKEN"} or (
            upper.startswith("VIGIA_") and not upper.startswith("VIGIA_TEST_")
        ):
            monkeypatch.delenv(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory) -> Iterator[str]:
    """Where a test's store lives: a SQLite file, or a fresh schema on the PostgreSQL test
    server. Every test that takes `db` (or this) runs once on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "vigia.db")  # type: ignore[operator]
        return
    server: PgTestServer = request.getfixturevalue("postgres_server")
    url = server.new_schema()
    try:
        yield url
    finally:
        server.drop_schema(url)


@pytest.fixture(params=BACKENDS)
def migrated_target(
    request: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory
) -> Iterator[str]:
    """Like `store_target`, but on PostgreSQL possibly a schema an earlier test used, already
    migrated and emptied again (much faster than migrating a new one)."""
    if request.param == "sqlite":
        yield str(tmp_path / "vigia.db")  # type: ignore[operator]
        return
    server: PgTestServer = request.getfixturevalue("postgres_server")
    url = server.migrated_schema()
    try:
        yield url
    finally:
        server.recycle(url)


@pytest.fixture
async def db(migrated_target: str, clock: FakeClock) -> AsyncIterator[Database]:
    """A fresh, migrated store: each test taking it runs on SQLite and on PostgreSQL."""
    database = await open_database(migrated_target, clock=clock)
    try:
        yield database
    finally:
        await database.close()
