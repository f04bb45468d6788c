"""The `[[sources]]` entries: each checked as a `SourceSettings` model (its keys, and what its
kind needs), then kept for the run as a slotted `SourceEntry` record; and the name and poll
interval an entry gives its source.

Apart from `bot.config.sections` because an entry is more than a table's keys: a kind's
rules (`bot.polling.kinds`) and the memory a 10,000-source config holds are its own concerns.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import core_schema

from bot.config.sections import MIN_INTERVAL_S, PollingSettings, Section, check_http_url
from bot.polling.kinds import SOURCE_KINDS, Identity, check_entry, poll_interval_s
from bot.polling.kinds import source_name as kind_source_name

JobSpySite = Literal["linkedin", "indeed", "zip_recruiter", "glassdoor", "google"]


class JobSpySettings(Section):
    """A jobspy source's search (`[sources.jobspy]`); unset keys keep python-jobspy's search
    defaults as `adapters.sources.jobspy_source.JobSpySearch` sets them."""

    sites: tuple[JobSpySite, ...] | None = None
    location: str | None = None
    results_wanted: int | None = Field(None, ge=1, le=200)
    hours_old: int | None = Field(None, ge=1)
    country_indeed: str | None = None
    is_remote: bool | None = None
    google_search_term: str | None = None


class SourceSettings(Section):
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
        return check_http_url(value)

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


def source_interval_s(source: SourceEntry, polling: PollingSettings) -> int:
    """How often `source` is polled (`bot.polling.kinds.poll_interval_s`)."""
    return poll_interval_s(source.kind, source.interval_s, polling.default_interval_s)


def source_name(source: SourceEntry) -> str:
    """The unique name a source is known by in the store, logs and filters."""
    return kind_source_name(source.kind, board=source.board, url=source.url, name=source.name)
