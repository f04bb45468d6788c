"""The error tree of the core. Adapters translate library exceptions into it at the edge.

    VigiaError
    ├── ConfigError            the config file or environment is wrong; names the key
    ├── SourceError            a job source could not be polled
    │   ├── SourceHTTPError    it answered with an error status (carries status, retry_after_s)
    │   ├── SourceNetworkError it could not be reached or timed out
    │   └── SourceFormatError  it answered, but not with the payload we expected
    ├── ItemError              one item of a payload is unreadable: that item is skipped
    ├── FetchRefused           a user's URL was refused before any byte was sent (carries reason)
    ├── FetchFailed            a user's URL was allowed but could not be read (carries reason)
    ├── InputError             what a person typed or fed in cannot be used (also a ValueError)
    │   ├── FilterSyntaxError  a filter typed in a chat (carries the word and the problem)
    │   ├── DeliverySyntaxError a delivery mode ("daily 08:00") that cannot be read
    │   ├── UnknownTimezone    a time zone name that is not an IANA zone
    │   └── MalformedLine      a JSON line given to `score` or `eval` is no posting
    ├── TooManyRequests        a person went over their limit of checks (carries retry_after_s)
    ├── UnknownCheck           a button names a check the store does not hold
    ├── PlatformError          a chat platform could not start, or stopped (carries platform)
    └── StoreError             the database cannot be used as asked (carries the problem)
        └── CopyRefused        `copy-db` would lose or mix data: nothing was written

A chat platform refusing a message is no error but an outcome (`bot.delivery.outcomes`).

Every error carries a `message_key` for the translated text a person reads, and the data
that fills it, so the same error renders in Spanish or English.
"""

from __future__ import annotations


class VigiaError(Exception):
    message_key = "error.generic"

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message)
        self.params = params


class ConfigError(VigiaError):
    """The configuration is invalid. `key` is the dotted path of the offending key."""

    message_key = "error.config"

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"config: {key}: {problem}", key=key, problem=problem)
        self.key = key
        self.problem = problem


class SourceError(VigiaError):
    """A poll of `source` failed; the scheduler backs off and the other sources go on.

    `reason` is the failure in a few words for people (`sources.reason.<code>` in the
    catalogs; "http:503" carries its status): what `sources` and `/sources` show, never the
    message, which may quote what the source sent."""

    message_key = "error.source"
    reason: str = "other"

    def __init__(self, source: str, message: str, *, reason: str | None = None) -> None:
        super().__init__(f"{source}: {message}", source=source)
        self.source = source
        if reason is not None:
            self.reason = reason


class SourceHTTPError(SourceError):
    def __init__(self, source: str, status: int, retry_after_s: float | None = None) -> None:
        super().__init__(source, f"HTTP {status}", reason=f"http:{status}")
        self.status = status
        self.retry_after_s = retry_after_s


class SourceNetworkError(SourceError):
    reason = "network"


class SourceFormatError(SourceError):
    """The payload was not of the shape this source kind sends (bad JSON/XML, empty body...)."""

    reason = "format"


class FetchRefused(VigiaError):
    """A URL was refused by the safe fetcher; `reason` is a short machine-readable code."""

    message_key = "fetch.refused"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused {url!r}: {reason}", url=url, reason=reason)
        self.url = url
        self.reason = reason


class FetchFailed(VigiaError):
    """A URL passed the guard but could not be read (timeout, 404, too large, wrong type)."""

    message_key = "fetch.failed"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"could not read {url!r}: {reason}", url=url, reason=reason)
        self.url = url
        self.reason = reason


class ItemError(VigiaError):
    """One item of a payload lacks a required field; that item is skipped, not the payload."""


class InputError(VigiaError, ValueError):
    """What a person typed or fed in cannot be used. Also a ValueError, so a config
    validator that parses a filter reports it on the key like any bad value."""


class FilterSyntaxError(InputError):
    """A filter typed in a chat could not be understood; `token` is the offending word."""

    message_key = "filter.error"

    def __init__(self, token: str, problem: str) -> None:
        super().__init__(f"{token!r}: {problem}", token=token, problem=problem)
        self.token = token
        self.problem = problem  # a message key: filter.error.<problem>


class DeliverySyntaxError(InputError):
    """A delivery mode typed in a chat or the config could not be read; `problem` names the
    catalog text (`delivery.error.<problem>`) and `token` the word at fault."""

    message_key = "delivery.error"

    def __init__(self, token: str, problem: str) -> None:
        super().__init__(f"delivery {token!r}: {problem}", token=token, problem=problem)
        self.token = token
        self.problem = problem


class UnknownTimezone(InputError):
    """A time zone that zoneinfo does not know (`Europe/Madrid`, `America/Lima`, `UTC` are)."""

    message_key = "timezone.unknown"

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown time zone {name!r}", name=name)
        self.name = name


class MalformedLine(InputError):
    """A JSON line that is not a posting; the message says what is wrong with it."""


class TooManyRequests(VigiaError):
    """A requester went over their limit; `retry_after_s` says when the next one is allowed."""

    message_key = "legit.too_many"

    def __init__(self, requester: str, retry_after_s: float) -> None:
        seconds = max(1, round(retry_after_s))
        super().__init__(f"{requester}: too many checks", seconds=str(seconds))
        self.requester = requester
        self.retry_after_s = retry_after_s


class UnknownCheck(VigiaError, LookupError):
    """A button or a command names a check the store does not hold (a very old message)."""

    def __init__(self, check_id: int) -> None:
        super().__init__(f"no check {check_id}", check_id=str(check_id))
        self.check_id = check_id


class PlatformError(VigiaError):
    """A chat platform (Discord, Telegram) could not be started, or stopped working for good.

    The runner logs it as one line and exits non-zero, so a supervisor restarts the bot.
    `reason` is already free of the platform's token."""

    def __init__(self, platform: str, reason: str) -> None:
        super().__init__(f"{platform}: {reason}", platform=platform, reason=reason)
        self.platform = platform
        self.reason = reason


class StoreError(VigiaError):
    """The database cannot be used as asked: unreachable, or the wrong engine for the job."""

    message_key = "error.store"

    def __init__(self, problem: str) -> None:
        super().__init__(problem, problem=problem)
        self.problem = problem


class CopyRefused(StoreError):
    """`copy-db` would lose or mix data (a newer source schema, a destination in use)."""
