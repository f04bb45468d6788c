"""The core's plain data types.

Adapters translate platform and source payloads into these, and the core never sees anything
else. They are frozen dataclasses so that a posting scored once cannot drift from its verdict.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.text import fold

_NOT_WORD = re.compile(r"[^0-9a-z]+")

# -- pay -------------------------------------------------------------------------------------


class PayPeriod(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    FORTNIGHT = "fortnight"
    MONTH = "month"
    YEAR = "year"
    TASK = "task"  # per task, review, like, video: a piece rate, not a time rate


#: Hours a period stands for, so that hourly and yearly pay compare on one scale.
#: 40 h/week × 52 weeks; a day is 8 h. A piece rate has no hours and is absent.
HOURS_PER_PERIOD: dict[PayPeriod, float] = {
    PayPeriod.HOUR: 1.0,
    PayPeriod.DAY: 8.0,
    PayPeriod.WEEK: 40.0,
    PayPeriod.FORTNIGHT: 80.0,
    PayPeriod.MONTH: 40.0 * 52 / 12,
    PayPeriod.YEAR: 40.0 * 52,
}


@dataclass(frozen=True, slots=True)
class Pay:
    """Pay as the posting states it; `min_amount == max_amount` when one figure is given."""

    min_amount: float
    max_amount: float
    currency: str  # ISO 4217, upper case; "" when the text gives none
    period: PayPeriod

    def hourly(self) -> tuple[float, float] | None:
        """The range on an hourly scale, the one filters and checks compare on; None for a
        piece rate ("70 pesos por tarea"), which says nothing of the hours it takes."""
        hours = HOURS_PER_PERIOD.get(self.period)
        if hours is None:
            return None
        return self.min_amount / hours, self.max_amount / hours


# -- postings --------------------------------------------------------------------------------


def _identity_words(text: str) -> str:
    """Folded, with runs of anything but letters and digits as one space."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


@dataclass(frozen=True, slots=True)
class Posting:
    """One job posting, normalised. `source` names the configured source it came from."""

    source: str
    native_id: str
    url: str
    title: str
    company: str = ""
    company_domain: str | None = None
    location: str = ""
    remote: bool | None = None
    pay: Pay | None = None
    description: str = ""
    posted_at: datetime | None = None
    language: str | None = None
    #: `fingerprint` once worked out; not part of what the posting is (a copy made with
    #: `dataclasses.replace` works it out again).
    _fingerprint: str = field(default="", init=False, repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        """Identity across boards: the same company, title and place is the same job.

        Worked out once: the poller asks for it on its CPU worker thread, so storing a poll
        of 20,000 postings only reads it on the event loop."""
        if not self._fingerprint:
            key = "|".join(
                _identity_words(part) for part in (self.company, self.title, self.location)
            )
            object.__setattr__(self, "_fingerprint", hashlib.sha256(key.encode()).hexdigest()[:32])
        return self._fingerprint

    @property
    def text(self) -> str:
        """Everything a reader sees, for relevance and scam rules."""
        return "\n".join(part for part in (self.title, self.company, self.description) if part)


# -- scam verdicts ---------------------------------------------------------------------------


class RiskLevel(enum.StrEnum):
    OK = "ok"
    CAUTION = "caution"
    SCAM = "scam"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    def at_most(self, other: RiskLevel) -> bool:
        return self.rank <= other.rank


_LEVEL_RANK = {RiskLevel.OK: 0, RiskLevel.CAUTION: 1, RiskLevel.SCAM: 2}


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason behind a verdict: what fired, how much it weighs, and the words that fired it.

    `message_key` names the translated explanation in the i18n catalogs; `params` fill it.
    """

    id: str
    weight: float
    evidence: str
    message_key: str
    params: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Verdict:
    risk: int  # 0–100
    level: RiskLevel
    reasons: tuple[Signal, ...] = ()  # heaviest first
    verified_employer: str | None = None
    matched_script: str | None = None
    scored: bool = True  # False: the checks failed inside, and nothing was judged

    @classmethod
    def unscored(cls) -> Verdict:
        """The verdict of a posting the checks could not judge. Its level is `caution`, so
        filters treat it as a posting to read with care; cards say it was not checked."""
        return cls(0, RiskLevel.CAUTION, scored=False)


# -- subscriptions and filters ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    """What a subscription wants. Empty fields let everything through."""

    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: str | None = None
    remote_only: bool = False
    locations: tuple[str, ...] = ()
    min_pay: Pay | None = None  # compared on the hourly scale
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    max_risk: RiskLevel = RiskLevel.CAUTION


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat on a platform: `console`, `discord:<channel id>`, `telegram:<chat id|@name>`."""

    platform: str
    chat_id: str

    @classmethod
    def parse(cls, value: str) -> ChatRef:
        platform, _, chat_id = value.partition(":")
        if platform not in {"console", "discord", "telegram"}:
            raise ValueError(f"unknown chat platform in {value!r}")
        if platform != "console" and not chat_id:
            raise ValueError(f"{value!r} names no chat id")
        return cls(platform, chat_id)

    def __str__(self) -> str:
        return self.platform if self.platform == "console" else f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    chat: ChatRef
    filter: Filter
    language: str = "es"
    paused: bool = False
    #: "instant", "daily HH:MM" or "weekly DAY HH:MM" (bot.delivery.digest_schedule).
    delivery: str = "instant"


# -- delivery --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sighting:
    """One place a job was seen: a source's posting of it."""

    source: str  # the configured source's name
    url: str
    kind: str | None = None  # the source's kind, when the store still knows the source


@dataclass(frozen=True, slots=True)
class Alert:
    """One outbox row claimed for sending: a posting for one subscription."""

    id: int
    posting: Posting
    verdict: Verdict
    subscription: Subscription
    check_id: int  # the stored check whose "Why?" and report buttons the alert carries
    attempts: int = 0
    #: Every place the job was seen so far, the alerted posting first; () when unknown.
    sightings: tuple[Sighting, ...] = ()
    #: The claim's token (`bot.store.outbox`): only its holder may record the row's outcome.
    claim: str = ""


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One posting listed in a digest, with its verdict and when it was first seen."""

    posting: Posting
    verdict: Verdict
    seen_at: float  # seconds since the epoch
    #: The kind of the posting's source, when the store still knows the source: a board
    #: whose terms ask for credit ("via Remotive") is credited on the digest's line too.
    kind: str | None = None

    @property
    def order(self) -> tuple[int, bool, int, float, str]:
        """Where it stands in a digest: safest first (level, then risk; an unjudged posting
        after the judged ones of its level), then in the order they were found."""
        verdict = self.verdict
        return (
            verdict.level.rank,
            not verdict.scored,
            verdict.risk,
            self.seen_at,
            self.posting.url,
        )


@dataclass(frozen=True, slots=True)
class Digest:
    """One message of a digest: the postings a subscription gathered since the last digest
    (`since_at`) up to its scheduled time (`slot_at`), page `page` of `pages` when they did
    not fit one message of the chat's platform. `total` counts them across every page."""

    delivery: str  # the subscription's mode when the digest was made, e.g. "daily 08:00"
    timezone: str
    since_at: float
    slot_at: float
    page: int
    pages: int
    total: int
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True, slots=True)
class DigestAlert:
    """One outbox row claimed for sending that holds a digest message rather than one
    posting; it goes through the outbox like any alert (same retries, order and leases)."""

    id: int
    subscription: Subscription
    digest: Digest
    attempts: int = 0
    #: The claim's token (`bot.store.outbox`): only its holder may record the row's outcome.
    claim: str = ""


#: What the outbox hands to a chat sender.
Deliverable = Alert | DigestAlert


@dataclass(frozen=True, slots=True)
class AlertEdit:
    """A sent alert whose job was seen in another place since: its message (`message_id` on
    the platform) is drawn again from `alert`, which carries every sighting so far.

    `covers` is how many changes the edit takes in (`bot.store.edits`): a sighting that
    arrives while the edit is on the wire asks for one more edit after it."""

    alert: Alert
    message_id: str
    covers: int
    attempts: int = 0
    #: The edit claim's token: only its holder may record the edit's outcome.
    claim: str = ""
