"""The typed sections of the settings, one pydantic model a TOML table, and their checks.

A bad value raises inside its section's validator so that `load_settings` can name the key;
how the sections are read (file, environment, tokens) is `bot.config.loading`'s job. The
arrays of tables have modules of their own: `[[sources]]` in `bot.config.source_entries`,
`[[subscriptions]]` in `bot.config.subscription_entries`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from bot.store.database import is_postgres_url

ENV_PREFIX = "VIGIA_"
#: Variables of the test harness (`VIGIA_TEST_POSTGRES` names the tests' server), not settings.
TEST_ENV_PREFIX = "VIGIA_TEST_"
DEFAULT_CONFIG = Path("config.toml")
EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config.example.toml"
MIN_INTERVAL_S = 120


class Section(BaseModel):
    """A TOML table's model: an unknown key is an error (a typo is not silently ignored), and
    the settings do not change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_http_url(value: str | None) -> str | None:
    """`value` unchanged when unset or an http(s) URL with a host; ValueError otherwise."""
    if value is None:
        return value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


class StorageSettings(Section):
    """Where the state lives: a SQLite file path (one process, the default), or a
    `postgresql://user:password@host:port/db` URL (several processes and machines)."""

    database: str = "vigia.db"
    #: Connections each process keeps open to PostgreSQL (ignored for SQLite).
    pool_size: int = Field(10, ge=1, le=200)

    @field_validator("database")
    @classmethod
    def _engine(cls, value: str) -> str:
        if "://" in value and not is_postgres_url(value):
            raise ValueError("a SQLite file path, or a postgresql:// URL")
        if is_postgres_url(value) and not urlsplit(value).hostname:
            raise ValueError("a postgresql:// URL needs a host")
        return value

    def password(self) -> str | None:
        """The database password, if the URL carries one: logs redact it."""
        return urlsplit(self.database).password if is_postgres_url(self.database) else None


class PollingSettings(Section):
    default_interval_s: int = Field(600, ge=MIN_INTERVAL_S)
    jitter_s: int = Field(30, ge=0)
    max_backoff_s: int = Field(6 * 3600, ge=60)
    per_host_concurrency: int = Field(4, ge=1, le=64)
    max_concurrent_requests: int = Field(16, ge=1, le=256)
    request_timeout_s: float = Field(20.0, gt=0)
    max_response_bytes: int = Field(20_000_000, ge=1024)
    alert_on_first_poll: bool = False
    max_pages: int = Field(20, ge=1)
    #: A job is remembered this long after it was last seen on any source: a posting of it
    #: within that time is one more sighting, not a new alert.
    sightings_horizon_days: int = Field(60, ge=1, le=3650)
    #: A source failing this many polls in a row is disabled until `python -m bot sources
    #: --enable NAME` (0: never disabled, only backed off).
    disable_after_failures: int = Field(10, ge=0)
    user_agent: str = "Vigia/0.1 (+https://github.com/vigia-bot/vigia)"
    #: Sources, and their redirects, may reach 127.0.0.1 / ::1 (tests against local servers).
    #: Private, link-local and metadata addresses stay refused whatever this says.
    allow_loopback: bool = False


class RelevanceSettings(Section):
    enabled: bool = True
    keywords: tuple[str, ...] = (
        "ai trainer",
        "ai training",
        "ai tutor",
        "rlhf",
        "data annotation",
        "data annotator",
        "annotator",
        "annotation",
        "labeling",
        "labelling",
        "data labeler",
        "rater",
        "evaluator",
        "model evaluation",
        "prompt writer",
        "prompt engineer",
        "red teaming",
        "ai writing",
        "human data",
        "search quality",
        "entrenador de ia",
        "entrenador de inteligencia artificial",
        "anotador",
        "anotadora",
        "anotación de datos",
        "etiquetado",
        "etiquetador",
        "evaluador",
        "evaluadora",
        "tutor de ia",
        "redactor de prompts",
        "calificador",
    )
    exclude: tuple[str, ...] = ()


class ScamSettings(Section):
    caution_at: int = Field(30, ge=1, le=100)
    scam_at: int = Field(60, ge=1, le=100)
    online_reputation: bool = False
    #: The RDAP service's base; lookups ask `<rdap_url>/domain/<name>`. A trailing `/domain/`
    #: (how rdap.org's own examples write it) is the same service.
    rdap_url: str = "https://rdap.org"
    blocklist_file: str | None = None

    @field_validator("rdap_url")
    @classmethod
    def _rdap_url(cls, value: str) -> str:
        base = value.strip().rstrip("/").removesuffix("/domain").rstrip("/")
        check_http_url(base)
        return base

    @model_validator(mode="after")
    def _ordered(self) -> ScamSettings:
        if self.caution_at >= self.scam_at:
            raise ValueError("caution_at must be below scam_at")
        return self


class LinkCheckSettings(Section):
    cache_ttl_s: int = Field(3600, ge=0)
    timeout_s: float = Field(10.0, gt=0, le=60)
    max_bytes: int = Field(2_000_000, ge=10_000)
    max_redirects: int = Field(5, ge=0, le=10)
    checks_per_user: int = Field(10, ge=1)
    check_window_s: float = Field(60.0, gt=0)


class ConsoleSettings(Section):
    language: Literal["es", "en"] = "es"


class DiscordSettings(Section):
    token: SecretStr | None = None
    api_base: str | None = None
    guild_id: int | None = None

    @field_validator("api_base")
    @classmethod
    def _api_base(cls, value: str | None) -> str | None:
        return check_http_url(value)


class TelegramSettings(Section):
    token: SecretStr | None = None
    base_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    #: Inline mode must answer within Telegram's few seconds: a page not read by then is
    #: judged from its link alone.
    inline_page_timeout_s: float = Field(3.0, gt=0, le=8)

    @field_validator("base_url", "webhook_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return check_http_url(value)

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramSettings:
        if self.mode == "webhook" and not self.webhook_url:
            raise ValueError("webhook mode needs webhook_url")
        return self


class OutboxSettings(Section):
    drain_interval_s: float = Field(2.0, gt=0)
    batch_size: int = Field(50, ge=1)
    max_backoff_s: int = Field(3600, ge=1)
    #: A claimed alert whose sender died is sent by another one after this long.
    lease_s: float = Field(120.0, ge=1.0, le=3600.0)
    #: Sent (or for good failed) alerts are forgotten after this many days; the postings stay,
    #: so nothing is alerted again.
    keep_sent_days: int = Field(30, ge=1)


class WorkersSettings(Section):
    """Several worker processes on one PostgreSQL database (`python -m bot run --role`)."""

    #: A poll claim lasts this long unless the poll ends first; a dead worker's sources are
    #: polled by another one at most this long after their due time.
    poll_lease_s: float = Field(300.0, ge=1.0, le=86_400.0)
    #: Each worker writes its row in the `workers` table this often; one silent for three
    #: beats is not listed as live.
    heartbeat_s: float = Field(10.0, gt=0.0, le=3600.0)
    #: Discord shards this process runs (AutoShardedClient), and how many there are in all;
    #: None lets Discord choose, in one process.
    discord_shard_ids: list[int] | None = None
    discord_shard_count: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _shards(self) -> WorkersSettings:
        ids = self.discord_shard_ids
        if ids is not None:
            if self.discord_shard_count is None:
                raise ValueError("discord_shard_ids needs discord_shard_count")
            if not ids or any(i < 0 or i >= self.discord_shard_count for i in ids):
                raise ValueError("each shard id must be in 0..discord_shard_count-1")
            if len(set(ids)) != len(ids):
                raise ValueError("a shard id is listed twice")
        return self


def parse_listen(value: str) -> tuple[str, int]:
    """`host:port` (an IPv6 host in brackets) → (host, port); ValueError when malformed."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not host or not port_text.isdigit():
        raise ValueError(f"not host:port: {value!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    port = int(port_text)
    if not 0 <= port <= 65535:
        raise ValueError(f"port out of range: {port}")
    return host, port


class ObservabilitySettings(Section):
    """`listen = "127.0.0.1:9108"` serves `/healthz` and `/metrics` there; off by default.
    Keep it on a loopback or private address: it is meant for a supervisor and a scraper."""

    listen: str | None = None

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str | None) -> str | None:
        if value is not None:
            parse_listen(value)
        return value
