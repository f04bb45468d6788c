"""The typed sections of the settings, one pydantic model a TOML table, and their checks.

A bad value raises inside its section's validator so that `load_settings` can name the key;
how the sections are read (file, environment, tokens) is `bot.config.loading`'s job.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from bot.delivery.digest_schedule import DeliveryMode, canonical_timezone
from bot.errors import DeliverySyntaxError, FilterSyntaxError, UnknownTimezone
from bot.i18n import t
from bot.models import ChatRef, RiskLevel
from bot.polling.kinds import SOURCE_KINDS, Identity, check_entry, poll_interval_s
from bot.polling.kinds import source_name as kind_source_name
from bot.postings.matching import MAX_REGEX_CHARS, compile_regex
from bot.store.database import is_postgres_url

ENV_PREFIX = "VIGIA_"
#: Variables of the test harness (`VIGIA_TEST_POSTGRES` names the tests' server), not settings.
TEST_ENV_PREFIX = "VIGIA_TEST_"
DEFAULT_CONFIG = Path("config.toml")
EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config.example.toml"
MIN_INTERVAL_S = 120
#: What a refused subscription regex is told, by `FilterSyntaxError.problem`.
REGEX_PROBLEMS = {
    "regex_invalid": "not a regular expression RE2 accepts (no backreferences or lookaround)",
    "regex_too_long": f"longer than {MAX_REGEX_CHARS} characters",
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_http_url(value: str | None) -> str | None:
    if value is None:
        return value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


class StorageSettings(_Section):
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


class PollingSettings(_Section):
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


class RelevanceSettings(_Section):
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


JobSpySite = Literal["linkedin", "indeed", "zip_recruiter", "glassdoor", "google"]


class JobSpySettings(_Section):
    """A jobspy source's search (`[sources.jobspy]`); unset keys keep python-jobspy's search
    defaults as `adapters.sources.jobspy_source.JobSpySearch` sets them."""

    sites: tuple[JobSpySite, ...] | None = None
    location: str | None = None
    results_wanted: int | None = Field(None, ge=1, le=200)
    hours_old: int | None = Field(None, ge=1)
    country_indeed: str | None = None
    is_remote: bool | None = None
    google_search_term: str | None = None


class SourceSettings(_Section):
    kind: str
    board: str | None = None
    url: str | None = None
    name: str | None = None
    company: str | None = None
    #: Unset: the polling default, or the kind's own when longer (`bot.polling.kinds`).
    interval_s: int | None = Field(None, ge=MIN_INTERVAL_S)
    enabled: bool = True
    #: The search of a jobspy source (sites, location, …); no other kind takes it.
    jobspy: JobSpySettings | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_http_url(value)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        # Interned: ten thousand entries of one kind share its one string.
        kind = sys.intern(value.strip().lower())
        if kind not in SOURCE_KINDS:
            raise ValueError(
                f"unknown source kind {value!r}; known kinds: {', '.join(SOURCE_KINDS)}"
            )
        return kind

    @model_validator(mode="after")
    def _gives_what_its_kind_needs(self) -> SourceSettings:
        if SOURCE_KINDS[self.kind].identity is Identity.BOARD and self.url and not self.board:
            return self  # a board kind read from its own endpoint (a mirror, a test server)
        check_entry(
            self.kind,
            board=self.board,
            url=self.url,
            company=self.company,
            interval_s=self.interval_s,
            options=self.jobspy is not None,
        )
        return self


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One `[[sources]]` entry once validated, as the settings keep it.

    Checked as a `SourceSettings` (the same errors, named by their key), then kept as this
    slotted record: a bot with 10,000 sources held 10,000 pydantic models (a field dict and a
    fields-set each, ~830 bytes a source) for the whole run, while nothing reads an entry after
    start-up but `bot.app.build_sources`.
    """

    kind: str
    board: str | None = None
    url: str | None = None
    name: str | None = None
    company: str | None = None
    interval_s: int | None = None
    enabled: bool = True
    jobspy: JobSpySettings | None = None

    @classmethod
    def of(cls, model: SourceSettings) -> SourceEntry:
        return cls(
            model.kind,
            model.board,
            model.url,
            model.name,
            model.company,
            model.interval_s,
            model.enabled,
            model.jobspy,
        )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validated by `SourceSettings`'s schema (an entry already built passes as it is);
        dumped as that model's fields."""

        def validate(value: Any, check: core_schema.ValidatorFunctionWrapHandler) -> SourceEntry:
            return value if isinstance(value, cls) else cls.of(check(value))

        return core_schema.no_info_wrap_validator_function(
            validate,
            handler.generate_schema(SourceSettings),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda entry: SourceSettings.model_construct(
                    **{key: getattr(entry, key) for key in cls.__slots__}
                ).model_dump()
            ),
        )


class SubscriptionSettings(_Section):
    chat: str
    language: Literal["es", "en"] = "es"
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: str | None = None
    remote_only: bool = False
    locations: tuple[str, ...] = ()
    min_pay: float | None = Field(None, ge=0)
    min_pay_period: Literal["hour", "day", "week", "month", "year"] = "hour"
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    max_risk: RiskLevel = RiskLevel.CAUTION
    #: "instant", "daily HH:MM" or "weekly DAY HH:MM", in the chat's `timezone`.
    delivery: str = "instant"
    #: The chat's IANA time zone for digests (default UTC); one per chat.
    timezone: str | None = None

    @field_validator("chat")
    @classmethod
    def _chat(cls, value: str) -> str:
        ChatRef.parse(value)
        return value

    @field_validator("delivery")
    @classmethod
    def _delivery(cls, value: str) -> str:
        try:
            return str(DeliveryMode.parse(value))
        except DeliverySyntaxError as error:
            problem = t(f"delivery.error.{error.problem}", "en", token=error.token)
            raise ValueError(f"{problem} (instant, daily HH:MM or weekly DAY HH:MM)") from None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return canonical_timezone(value)
        except UnknownTimezone:
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name: Europe/Madrid, UTC)"
            ) from None

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        """Compiled now, as matching will: a pattern RE2 refuses (a backreference, a
        lookaround, a syntax error, over the length cap) stops the start with its key
        instead of failing every poll."""
        if value is not None:
            try:
                compile_regex(value)
            except FilterSyntaxError as error:
                raise ValueError(REGEX_PROBLEMS.get(error.problem, error.problem)) from None
        return value


class ScamSettings(_Section):
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
        _check_http_url(base)
        return base

    @model_validator(mode="after")
    def _ordered(self) -> ScamSettings:
        if self.caution_at >= self.scam_at:
            raise ValueError("caution_at must be below scam_at")
        return self


class LinkCheckSettings(_Section):
    cache_ttl_s: int = Field(3600, ge=0)
    timeout_s: float = Field(10.0, gt=0, le=60)
    max_bytes: int = Field(2_000_000, ge=10_000)
    max_redirects: int = Field(5, ge=0, le=10)
    checks_per_user: int = Field(10, ge=1)
    check_window_s: float = Field(60.0, gt=0)


class ConsoleSettings(_Section):
    language: Literal["es", "en"] = "es"


class DiscordSettings(_Section):
    token: SecretStr | None = None
    api_base: str | None = None
    guild_id: int | None = None

    @field_validator("api_base")
    @classmethod
    def _api_base(cls, value: str | None) -> str | None:
        return _check_http_url(value)


class TelegramSettings(_Section):
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
        return _check_http_url(value)

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramSettings:
        if self.mode == "webhook" and not self.webhook_url:
            raise ValueError("webhook mode needs webhook_url")
        return self


class OutboxSettings(_Section):
    drain_interval_s: float = Field(2.0, gt=0)
    batch_size: int = Field(50, ge=1)
    max_backoff_s: int = Field(3600, ge=1)
    #: A claimed alert whose sender died is sent by another one after this long.
    lease_s: float = Field(120.0, ge=1.0, le=3600.0)
    #: Sent (or for good failed) alerts are forgotten after this many days; the postings stay,
    #: so nothing is alerted again.
    keep_sent_days: int = Field(30, ge=1)


class WorkersSettings(_Section):
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


class ObservabilitySettings(_Section):
    """`listen = "127.0.0.1:9108"` serves `/healthz` and `/metrics` there; off by default.
    Keep it on a loopback or private address: it is meant for a supervisor and a scraper."""

    listen: str | None = None

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str | None) -> str | None:
        if value is not None:
            parse_listen(value)
        return value


def source_interval_s(source: SourceEntry, polling: PollingSettings) -> int:
    """How often `source` is polled (`bot.polling.kinds.poll_interval_s`)."""
    return poll_interval_s(source.kind, source.interval_s, polling.default_interval_s)


def source_name(source: SourceEntry) -> str:
    """The unique name a source is known by in the store, logs and filters."""
    return kind_source_name(source.kind, board=source.board, url=source.url, name=source.name)
