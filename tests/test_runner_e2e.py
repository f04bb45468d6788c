"""`python -m bot run` started and stopped as a supervisor does it, against local servers.

A platform that cannot start is one log line without the token and a non-zero exit, never a
traceback and a hang; SIGINT/SIGTERM stop the bot whatever it is doing, with exit code 0.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.process_helpers import BotRun, answering, bot_env, closed_port, stalled_server

TELEGRAM_TOKEN = "123456:AAH-telegram-secret-token-for-tests"
DISCORD_TOKEN = "MTIz.discord-secret-token-for-tests.abc"


def write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'log_level = "INFO"\n[storage]\ndatabase = "{tmp_path / "vigia.db"}"\n{extra}',
        encoding="utf-8",
    )
    return path


def assert_one_clean_failure(bot: BotRun, platform: str, token: str) -> str:
    """One ERROR line naming the platform; no token, no traceback anywhere."""
    assert token not in bot.text
    assert token.split(":")[-1] not in bot.text
    assert "Traceback" not in bot.text
    errors = [line for line in bot.log if " ERROR " in line or " CRITICAL " in line]
    assert len(errors) == 1, bot.text
    assert f"{platform} could not start" in errors[0]
    return errors[0]


async def test_telegram_answering_401_is_one_redacted_line_and_exit_1(tmp_path: Path) -> None:
    unauthorized = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with answering(401, unauthorized) as url:
        config = write_config(tmp_path, f'[telegram]\nbase_url = "{url}/bot"\n')
        async with BotRun(config, env=bot_env(TELEGRAM_TOKEN=TELEGRAM_TOKEN)) as bot:
            code = await bot.exit_code()
    assert code == 1
    line = assert_one_clean_failure(bot, "telegram", TELEGRAM_TOKEN)
    assert "rejected" in line


@pytest.mark.parametrize("answer", ["401", "closed port"])
async def test_discord_login_failure_is_logged_and_exits_1(tmp_path: Path, answer: str) -> None:
    async def run(api_base: str) -> BotRun:
        config = write_config(tmp_path, f'[discord]\napi_base = "{api_base}/api/v10"\n')
        async with BotRun(config, env=bot_env(DISCORD_TOKEN=DISCORD_TOKEN)) as bot:
            assert await bot.exit_code() == 1
        return bot

    if answer == "401":
        async with answering(401, {"message": "401: Unauthorized", "code": 0}) as url:
            bot = await run(url)
    else:
        bot = await run(f"http://127.0.0.1:{closed_port()}")
    line = assert_one_clean_failure(bot, "discord", DISCORD_TOKEN)
    assert ("LoginFailure" if answer == "401" else "Cannot connect") in line
    assert "chats: console, discord" not in bot.text  # it never claims to be running


async def test_ctrl_c_stops_a_bot_whose_platform_hangs_at_start_up(tmp_path: Path) -> None:
    async with stalled_server() as telegram:
        config = write_config(tmp_path, f'[telegram]\nbase_url = "{telegram.url}/bot"\n')
        async with BotRun(config, env=bot_env(TELEGRAM_TOKEN=TELEGRAM_TOKEN)) as bot:
            await telegram.connected.wait()  # the bot is inside Telegram's log-in
            bot.send(signal.SIGINT)
            code = await bot.exit_code()
    assert code == 0
    assert "stopped during start-up (SIGINT)" in bot.text
    assert "Traceback" not in bot.text and TELEGRAM_TOKEN not in bot.text


async def test_a_running_bot_stops_in_order_on_sigterm(tmp_path: Path) -> None:
    async with BotRun(write_config(tmp_path)) as bot:
        await bot.wait_for_log("Vigia running")
        bot.send(signal.SIGTERM)
        code = await bot.exit_code()
    assert code == 0
    assert "stopping (SIGTERM)" in bot.text
    assert bot.log[-1].rstrip().endswith("stopped")
    assert "Traceback" not in bot.text
