"""Typed settings from `config.toml` (or the shipped example) and the environment.

Read by pydantic-settings. Precedence: the platform tokens > environment > file > defaults.
Any key can be set from the environment as `VIGIA_<SECTION>__<KEY>` (for example
`VIGIA_POLLING__DEFAULT_INTERVAL_S=300`). A text or number key takes the value as written
(`VIGIA_TELEGRAM__WEBHOOK_SECRET=12345678` is the string "12345678"); a list or table key takes
JSON (`VIGIA_RELEVANCE__KEYWORDS='["rlhf"]'`). `VIGIA_TEST_*` variables belong to the test
harness and are no settings. Platform tokens are read only from `DISCORD_TOKEN` and
`TELEGRAM_TOKEN`: a token in a file is an error, because config files get committed and pasted
into chats.
"""

from bot.config.loading import Settings, load_settings
from bot.config.sections import (
    EXAMPLE_CONFIG,
    ConsoleSettings,
    DiscordSettings,
    LinkCheckSettings,
    ObservabilitySettings,
    OutboxSettings,
    PollingSettings,
    RelevanceSettings,
    ScamSettings,
    StorageSettings,
    TelegramSettings,
    WorkersSettings,
    parse_listen,
)
from bot.config.source_entries import (
    JobSpySettings,
    SourceEntry,
    SourceSettings,
    source_interval_s,
    source_name,
)
from bot.config.subscription_entries import SubscriptionSettings

__all__ = [
    "EXAMPLE_CONFIG",
    "ConsoleSettings",
    "DiscordSettings",
    "JobSpySettings",
    "LinkCheckSettings",
    "ObservabilitySettings",
    "OutboxSettings",
    "PollingSettings",
    "RelevanceSettings",
    "ScamSettings",
    "Settings",
    "SourceEntry",
    "SourceSettings",
    "StorageSettings",
    "SubscriptionSettings",
    "TelegramSettings",
    "WorkersSettings",
    "load_settings",
    "parse_listen",
    "source_interval_s",
    "source_name",
]
