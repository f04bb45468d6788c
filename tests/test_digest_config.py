"""`[[subscriptions]] delivery = "daily 08:00"` and `timezone`: read, named when wrong, and
kept across restarts without closing a digest period that was running."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.config import load_settings
from bot.errors import ConfigError
from bot.models import ChatRef
from bot.store import subscriptions as subscriptions_store

CONSOLE = ChatRef("console", "")


def config(tmp_path: Path, subscription: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndatabase = "{tmp_path / "vigia.db"}"\n\n[[subscriptions]]\n{subscription}\n',
        encoding="utf-8",
    )
    return path


def test_a_delivery_mode_and_a_time_zone_are_read_from_the_config(tmp_path: Path) -> None:
    path = config(
        tmp_path,
        'chat = "console"\ndelivery = "semanal lunes 9:00"\ntimezone = "america/bogota"',
    )
    [entry] = load_settings(path).subscriptions
    assert entry.delivery == "weekly mon 09:00"
    assert entry.timezone == "America/Bogota"


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ('delivery = "daily 8:99"', "subscriptions.0.delivery"),
        ('delivery = "hourly"', "subscriptions.0.delivery"),
        ('timezone = "Mars/Olympus"', "subscriptions.0.timezone"),
    ],
)
def test_a_bad_delivery_or_time_zone_names_the_key(tmp_path: Path, line: str, named: str) -> None:
    path = config(tmp_path, f'chat = "console"\n{line}')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == named


def test_one_chat_has_one_time_zone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[subscriptions]]\nchat = "console"\ntimezone = "UTC"\n'
        '[[subscriptions]]\nchat = "console"\ntimezone = "Europe/Madrid"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="two time zones"):
        load_settings(path)


async def period(app: App) -> tuple[float, float]:
    row = await app.db.fetchone("SELECT digest_after, digest_since FROM subscriptions")
    assert row is not None
    return float(row[0]), float(row[1])


async def test_a_restart_keeps_the_running_digest_period(tmp_path: Path) -> None:
    """The config's mode and zone are applied once; starting again with the same file must
    not close the period, or a digest missed while the bot was down would never come."""
    path = config(
        tmp_path,
        'chat = "console"\nlanguage = "en"\ndelivery = "daily 08:00"\ntimezone = "Europe/Madrid"',
    )
    settings = load_settings(path)
    app = await build_app(settings)
    try:
        [subscription] = await app.services.subscriptions.of_chat(CONSOLE)
        assert subscription.delivery == "daily 08:00"
        assert await subscriptions_store.chat_timezone(app.db, CONSOLE) == "Europe/Madrid"
        started = await period(app)
    finally:
        await app.aclose()
    app = await build_app(settings)
    try:
        assert await period(app) == started
    finally:
        await app.aclose()


async def test_changing_the_mode_in_the_config_keeps_what_the_subscription_holds(
    tmp_path: Path,
) -> None:
    path = config(tmp_path, 'chat = "console"\nmax_risk = "scam"\ndelivery = "daily 08:00"')
    app = await build_app(load_settings(path))
    try:
        [first] = await app.services.subscriptions.of_chat(CONSOLE)
    finally:
        await app.aclose()
    path = config(tmp_path, 'chat = "console"\nmax_risk = "scam"\ndelivery = "weekly fri 17:00"')
    app = await build_app(load_settings(path))
    try:
        [again] = await app.services.subscriptions.of_chat(CONSOLE)
    finally:
        await app.aclose()
    assert again.id == first.id and again.delivery == "weekly fri 17:00"
