"""Configuration: the example works as is, the environment overrides, and mistakes are named."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_sources
from bot.config import EXAMPLE_CONFIG, load_settings, source_interval_s
from bot.errors import ConfigError
from tests.cli_helpers import main_in_process

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_sources(config: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot sources` as a person runs it, with this config: a new process, whose
    standard error holds whatever anything in it printed (one test looks at that)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "sources", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_the_example_config_is_valid_and_lists_real_boards() -> None:
    settings = load_settings(EXAMPLE_CONFIG)
    assert settings.polling.default_interval_s == 600
    boards = {s.board for s in settings.sources}
    assert {"scaleai", "mercor", "superannotate"} <= boards
    assert settings.subscriptions[0].chat == "console"
    assert settings.discord.token is None and settings.telegram.token is None


def test_environment_overrides_nested_keys_and_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[polling]\ndefault_interval_s = 900\njitter_s = 7\n")
    monkeypatch.setenv("VIGIA_POLLING__DEFAULT_INTERVAL_S", "300")
    monkeypatch.setenv("VIGIA_RELEVANCE__KEYWORDS", '["rlhf", "anotador"]')
    monkeypatch.setenv("VIGIA_STORAGE__DATABASE", "/tmp/x.db")
    monkeypatch.setenv("TELEGRAM_TOKEN", "123:hunter2")
    settings = load_settings(path)
    assert settings.polling.default_interval_s == 300  # the environment over the file
    assert settings.polling.jitter_s == 7  # the file's other keys of the section stay
    assert settings.polling.max_pages == 20  # and the defaults under both
    assert settings.relevance.keywords == ("rlhf", "anotador")
    assert settings.storage.database == "/tmp/x.db"
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == "123:hunter2"
    assert "hunter2" not in repr(settings)


def test_a_text_key_from_the_environment_is_taken_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secret made of digits is still a string, not the number JSON would read."""
    monkeypatch.setenv("VIGIA_TELEGRAM__WEBHOOK_SECRET", "12345678")
    monkeypatch.setenv("VIGIA_STORAGE__DATABASE", "2024")
    settings = load_settings(write(tmp_path, "[telegram]\nwebhook_port = 8000\n"))
    assert settings.telegram.webhook_secret is not None
    assert settings.telegram.webhook_secret.get_secret_value() == "12345678"
    assert settings.telegram.webhook_port == 8000
    assert settings.storage.database == "2024"


def test_the_platform_token_variables_win_over_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIA_DISCORD__TOKEN", "from-vigia-variable")
    monkeypatch.setenv("DISCORD_TOKEN", "from-discord-token")
    token = load_settings(write(tmp_path, "")).discord.token
    assert token is not None and token.get_secret_value() == "from-discord-token"


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("VIGIA_RELEVANCE__KEYWORDS", "rlhf, anotador", "relevance.keywords"),
        ("VIGIA_SOURCES", "greenhouse", "sources"),
        ("VIGIA_POLLING__INTERVAL", "600", "polling.interval"),
        ("VIGIA_POLLING_DEFAULT_INTERVAL_S", "600", "polling_default_interval_s"),
    ],
)
def test_a_bad_environment_variable_is_one_line_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, key: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, ""))
    assert info.value.key == key
    assert "\n" not in str(info.value)
    if key == "relevance.keywords":
        assert str(info.value).startswith("config: relevance.keywords: not JSON")


def test_the_test_harness_variables_are_no_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIA_TEST_POSTGRES", "postgresql://u@127.0.0.1/x")
    monkeypatch.setenv("VIGIA_TEST_WHATEVER__KEY", "1")
    assert load_settings(write(tmp_path, "")).storage.database == "vigia.db"


def test_the_developer_s_environment_does_not_reach_the_tests() -> None:
    """The autouse fixture of conftest: no `VIGIA_*` setting and no token is inherited."""
    import os

    assert not {"DISCORD_TOKEN", "TELEGRAM_TOKEN"} & set(os.environ)
    assert not [n for n in os.environ if n.startswith("VIGIA_") and not n.startswith("VIGIA_TEST_")]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[polling]\ninterval = 5\n", "polling.interval"),
        ("[polling]\ndefault_interval_s = 'soon'\n", "polling.default_interval_s"),
        ("[polling]\ndefault_interval_s = 30\n", "polling.default_interval_s"),
        ("[[sources]]\nkind = 'greenhouse'\nboard = 'x'\nurl = 'ftp://x'\n", "sources.0.url"),
        ("[[sources]]\nkind = 'monster'\nboard = 'x'\n", "sources.0.kind"),
        ("[[subscriptions]]\nchat = 'irc:#jobs'\n", "subscriptions.0.chat"),
        ("[telegram]\ntoken = 'abc'\n", "telegram.token"),
        ("[scam]\ncaution_at = 70\nscam_at = 60\n", "scam"),
        ("not toml [", "config.toml"),
    ],
)
def test_a_bad_config_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert info.value.key.endswith(key)


def test_a_bad_environment_value_names_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIA_POLLING__JITTER_S", "-3")
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, ""))
    assert info.value.key == "polling.jitter_s"


def test_the_cli_stops_on_a_bad_config_with_one_line_and_status_2(tmp_path: Path) -> None:
    path = write(tmp_path, "[polling]\ndefault_interval_s = 'soon'\n")
    done = run_sources(path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "polling.default_interval_s" in lines[0]


def test_the_cli_stops_on_a_bad_environment_variable_with_one_line_and_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIA_RELEVANCE__KEYWORDS", "rlhf, anotador")
    done = main_in_process("sources", "--config", str(write(tmp_path, "")))
    assert done.code == 2
    (line,) = done.err.strip().splitlines()
    assert line.startswith("config error: relevance.keywords: not JSON")


def test_a_missing_blocklist_file_is_named_when_reputation_is_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""[storage]
database = "{tmp_path / "v.db"}"
[scam]
online_reputation = true
blocklist_file = "{tmp_path / "nope.txt"}"
""",
    )
    done = main_in_process("sources", "--config", str(path))
    assert done.code == 2
    (line,) = done.err.strip().splitlines()
    assert line.startswith("config error: scam.blocklist_file: cannot read ")
    assert line.endswith("No such file or directory")


def test_reputation_is_off_by_default_and_wired_when_on(tmp_path: Path) -> None:
    from bot.app import build_checker, read_blocklist

    blocklist = tmp_path / "block.txt"
    blocklist.write_text("# known bad\nevil.example  # seen in chats\n", encoding="utf-8")
    assert build_checker(load_settings(EXAMPLE_CONFIG)).reputation is None
    settings = load_settings(
        write(tmp_path, f'[scam]\nonline_reputation = true\nblocklist_file = "{blocklist}"\n')
    )
    assert build_checker(settings).reputation is not None
    assert read_blocklist(str(blocklist)) == ["evil.example"]


def test_remotive_is_polled_within_its_terms(tmp_path: Path) -> None:
    """Remotive asks for a few polls a day: an entry without an interval gets that, and a
    shorter one is refused."""
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, "[[sources]]\nkind = 'remotive'\ninterval_s = 600\n"))
    assert info.value.key == "sources.0" and "21600" in info.value.problem
    settings = load_settings(write(tmp_path, "[[sources]]\nkind = 'remotive'\nboard = 'rlhf'\n"))
    assert settings.sources[0].board == "rlhf"
    assert source_interval_s(settings.sources[0], settings.polling) == 21600
    [(_, interval_s)] = build_sources(settings)
    assert interval_s == 21600


def _commented_source_examples() -> list[str]:
    """The commented-out `[[sources]]` examples of the example config, uncommented."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in EXAMPLE_CONFIG.read_text(encoding="utf-8").splitlines():
        if line.strip() == "# [[sources]]":
            current = ["[[sources]]"]
            blocks.append(current)
        elif current is not None and re.match(r"^# (\[sources\.\w+\]|\w+ = .*)$", line):
            current.append(line[2:])
        else:
            current = None
    return ["\n".join(block) for block in blocks]


def test_the_example_config_s_commented_sources_are_valid_when_uncommented(
    tmp_path: Path,
) -> None:
    examples = _commented_source_examples()
    kinds = set()
    for example in examples:
        [source] = load_settings(write(tmp_path, example + "\n")).sources
        kinds.add(source.kind)
    assert {"recruitee", "smartrecruiters", "jsonld", "arbeitnow", "hn", "jobspy"} <= kinds
