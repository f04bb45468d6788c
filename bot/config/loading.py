"""Reading the settings: the config file, the `VIGIA_*` environment and the platform tokens,
merged by pydantic-settings, with every failure turned into a `ConfigError` naming its key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from bot.config.sections import (
    DEFAULT_CONFIG,
    ENV_PREFIX,
    EXAMPLE_CONFIG,
    TEST_ENV_PREFIX,
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
)
from bot.config.source_entries import SourceEntry, source_name
from bot.config.subscription_entries import SubscriptionSettings
from bot.errors import ConfigError

#: The parsed config file that `load_settings` is reading (the file source's data).
_FILE_DATA: ContextVar[Mapping[str, Any] | None] = ContextVar("vigia_config_file", default=None)


class _FileSource(PydanticBaseSettingsSource):
    """The config file's tables, below the environment and above the defaults."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return (_FILE_DATA.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_FILE_DATA.get() or {})


class _EnvSource(EnvSettingsSource):
    """`VIGIA_<SECTION>__<KEY>`; a list or table value that is not JSON is named by its key."""

    def explode_env_vars(
        self, field_name: str, field: FieldInfo, env_vars: Mapping[str, str | None]
    ) -> dict[str, Any]:
        try:
            return super().explode_env_vars(field_name, field, env_vars)
        except ValueError:
            prefix = f"{self.env_prefix}{field_name}{self.env_nested_delimiter}".lower()
            for name, value in env_vars.items():
                if not name.lower().startswith(prefix):
                    continue
                try:
                    super().explode_env_vars(field_name, field, {name: value})
                except ValueError:
                    rest = name[len(prefix) :].lower().replace("__", ".")
                    raise ConfigError(f"{field_name}.{rest}", _NOT_JSON) from None
            raise


_NOT_JSON = 'not JSON; from the environment a list is written ["a", "b"]'


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="forbid",
        frozen=True,
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: "json": one JSON object a log line (for a log shipper); "text": one readable line.
    log_format: Literal["text", "json"] = "text"
    observability: ObservabilitySettings = ObservabilitySettings()
    storage: StorageSettings = StorageSettings()
    polling: PollingSettings = PollingSettings()
    relevance: RelevanceSettings = RelevanceSettings()
    scam: ScamSettings = ScamSettings()
    linkcheck: LinkCheckSettings = LinkCheckSettings()
    outbox: OutboxSettings = OutboxSettings()
    console: ConsoleSettings = ConsoleSettings()
    discord: DiscordSettings = DiscordSettings()
    telegram: TelegramSettings = TelegramSettings()
    workers: WorkersSettings = WorkersSettings()
    sources: tuple[SourceEntry, ...] = ()
    subscriptions: tuple[SubscriptionSettings, ...] = ()

    #: The environment's names for the platform tokens (init values, above everything).
    TOKEN_VARIABLES: ClassVar[Mapping[str, str]] = {
        "discord": "DISCORD_TOKEN",
        "telegram": "TELEGRAM_TOKEN",
    }

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _EnvSource(settings_cls), _FileSource(settings_cls))

    @model_validator(mode="after")
    def _one_timezone_per_chat(self) -> Settings:
        zones: dict[str, str] = {}
        for entry in self.subscriptions:
            if entry.timezone is None:
                continue
            if zones.setdefault(entry.chat, entry.timezone) != entry.timezone:
                raise ValueError(f"two time zones for chat {entry.chat!r}; a chat has one")
        return self

    @model_validator(mode="after")
    def _unique_source_names(self) -> Settings:
        seen: set[str] = set()
        for source in self.sources:
            name = source_name(source)
            if name in seen:
                raise ValueError(f"two sources are named {name!r}; give one a `name`")
            seen.add(name)
        return self


@contextmanager
def _file_data(data: Mapping[str, Any]) -> Iterator[None]:
    token = _FILE_DATA.set(data)
    try:
        yield
    finally:
        _FILE_DATA.reset(token)


def _unknown_environment_keys() -> None:
    """`VIGIA_POLLING_DEFAULT_INTERVAL_S` (one underscore) names no section: say so rather
    than ignore it. `VIGIA_TEST_*` belongs to the test harness."""
    for name in os.environ:
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper.startswith(TEST_ENV_PREFIX):
            continue
        section = upper[len(ENV_PREFIX) :].split("__", 1)[0].lower()
        if section not in Settings.model_fields:
            raise ConfigError(upper[len(ENV_PREFIX) :].lower().replace("__", "."), "unknown key")


def _error_key(error: Mapping[str, Any]) -> str:
    parts = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    return ".".join(parts) or "(root)"


def _reject_file_tokens(data: Mapping[str, Any]) -> None:
    for platform in ("discord", "telegram"):
        section = data.get(platform)
        if isinstance(section, Mapping) and "token" in section:
            raise ConfigError(
                f"{platform}.token",
                f"tokens are read only from the environment ({platform.upper()}_TOKEN)",
            )


def load_settings(path: Path | None = None) -> Settings:
    """Read and validate the settings from `path` and the environment; raise ConfigError
    naming the first bad key."""
    if path is None:
        path = DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else EXAMPLE_CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found") from None
    except IsADirectoryError:
        raise ConfigError(str(path), "is a folder, not a config file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), f"not UTF-8 text (byte {exc.start + 1})") from None
    except OSError as exc:  # no permission, a broken disk
        raise ConfigError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from None
    _reject_file_tokens(data)
    _unknown_environment_keys()
    tokens: dict[str, Any] = {
        platform: {"token": os.environ[variable]}
        for platform, variable in Settings.TOKEN_VARIABLES.items()
        if os.environ.get(variable)
    }
    try:
        with _file_data(data):
            return Settings(**tokens)
    except ValidationError as exc:
        first = exc.errors()[0]
        problem = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise ConfigError(_error_key(first), problem) from None
    except SettingsError as exc:
        # A whole section from one variable (`VIGIA_RELEVANCE='…'`) that is not JSON.
        found = re.search(r'field "(\w+)"', str(exc))
        raise ConfigError(found.group(1) if found else "(environment)", _NOT_JSON) from None
