"""The scam checker: every check over one posting, combined into a Verdict.

Risk is the sum of the signals' weights, clamped to 0–100; one signal counts once (its
heaviest hit). The sum keeps every verdict explained by its reasons: a reader can add the
weights shown under "Why?" and get the risk. Weights are set so that a weak signal alone
(urgency 10, an unsolicited pick 15) stays `ok`, and a fee or a crypto deposit (65) is
`scam` at the default thresholds.

The checks, cheapest first: the scam families over the text (`families`), who the text says
is hiring and whether its links and addresses belong to that employer (`company`,
`domains`), pay far above the role (`pay`), near-copies of known scam scripts (`scripts`),
and the learned text model (`model`), whose score adds to the families' while the reasons a
person reads still come from the families.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Literal

from bot.failures import posting_failed
from bot.models import Posting, Signal, Verdict
from bot.scam.company import named_employer, names_a_company
from bot.scam.domains import DomainChecker
from bot.scam.employers import Employer, EmployerRegistry
from bot.scam.families import FAMILIES, Family, family_signals
from bot.scam.families.words import NO_EXPERIENCE
from bot.scam.model import (
    PASSAGE_WORDS,
    WARNING_MIN_PROBABILITY,
    TextModel,
    money_signs,
    with_model,
)
from bot.scam.role_pay import StatedPay, pay_from_posting, role_limit_usd_h, stated_pay
from bot.scam.scripts import ScriptLibrary, ScriptMatch
from bot.scam.textlinks import link_key, text_links
from bot.scam.textview import TextView, view_of
from bot.scam.verdicts import beyond_doubt, combine, heaviest
from bot.text import fold_aligned

if TYPE_CHECKING:
    from bot.scam.reputation import Reputation

_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_MAX_EMAILS = 5

#: A saved page can be huge; the signals of a posting are in its first pages of text.
MAX_TEXT_CHARS = 60_000

#: Weight of a near-copy of a known scam, by the share of the script found in the posting.
SCRIPT_STRONG_WEIGHT = 70.0
SCRIPT_WEIGHT = 50.0
SCRIPT_STRONG_CONTAINMENT = 0.8


class ScamChecker:
    """Checks 1–3 synchronously (pure CPU), check 4 on demand (`check_online`)."""

    def __init__(
        self,
        *,
        caution_at: int = 30,
        scam_at: int = 60,
        employers: EmployerRegistry | None = None,
        scripts: ScriptLibrary | None = None,
        reputation: Reputation | None = None,
        families: tuple[Family, ...] = FAMILIES,
        model: TextModel | Literal["shipped"] | None = "shipped",
    ) -> None:
        if not 0 < caution_at <= scam_at <= 100:
            raise ValueError(
                f"thresholds must be 0 < caution_at <= scam_at <= 100, got "
                f"{caution_at} and {scam_at}"
            )
        self.caution_at = caution_at
        self.scam_at = scam_at
        self.employers = employers if employers is not None else EmployerRegistry.load()
        self.scripts = scripts if scripts is not None else ScriptLibrary.load_seed()
        self.reputation = reputation
        self._families = families
        self.model = shipped_model() if model == "shipped" else model
        self._links = DomainChecker(self.employers)
        # Polls score on a worker thread while link checks score on the event loop; the
        # script library and the caches are not safe to change while another thread reads.
        self._lock = threading.Lock()
        #: Counts the changes to the script library: a copy in the bot's CPU worker process
        #: (bot/polling/cpu_process.py) is replaced when it no longer matches.
        self.revision = 0

    # -- the checks --------------------------------------------------------------------------

    def check(
        self, posting: Posting, *, company_profile: str = "", extra_text: str = ""
    ) -> Verdict:
        """The verdict on one posting. `extra_text`: requirements, benefits, pay, messages.

        Never raises: a failure inside is logged with the posting's source and id, counted,
        and answered with `Verdict.unscored()`, which cards show as "not checked".
        """
        try:
            with self._lock:
                return self._check(posting, company_profile=company_profile, extra_text=extra_text)
        except Exception as error:  # one posting's failure must not stop a poll or an answer
            posting_failed("score", posting.source, posting.native_id, error)
            return Verdict.unscored()

    def _check(self, posting: Posting, *, company_profile: str, extra_text: str) -> Verdict:
        parts = (posting.title, posting.company, posting.description, extra_text, company_profile)
        text = "\n".join(part for part in parts if part)[:MAX_TEXT_CHARS]
        view = view_of(text)
        signals = family_signals(view, self._families)
        claimed = self.employers.by_name(posting.company) if posting.company else None
        named = claimed or named_employer(view, self.employers)

        url = posting.url or (posting.company_domain or "")
        link = self._links.check_link(url, claimed) if url else None
        verified = link.verified if link else None
        if link:
            signals.extend(link.signals)
        signals.extend(self._text_link_signals(text, url, named))
        emails = (
            [e for e in _EMAIL.findall(text)[:_MAX_EMAILS] if "#" not in e] if "@" in text else []
        )
        signals.extend(self._links.check_emails(emails, named))
        signals.extend(self._pay_signals(posting, view, signals))
        if named is not None and verified is None:
            signals.extend(_sent_elsewhere(named, signals))
        if (
            named is None
            and verified is None
            and not posting.company
            and not company_profile.strip()
            and not names_a_company(text)
        ):
            signals.append(Signal("company.missing", 15, "", "signal.company_missing"))

        match = self.scripts.match(view.folded, view.words, view.vocabulary, view.word_numbers())
        if match is not None:
            signals.append(_script_signal(match))
        doubted = False
        if self.model is not None:
            signs = money_signs(view.folded)
            numbers = view.word_numbers()
            probability = self.model.probability_of_numbers(numbers, signs)
            signals.extend(self._model_signal(view, probability, signs, signals))
            doubt_below = self.model.info.doubt_below
            if (
                probability < doubt_below
                and len(numbers) >= PASSAGE_WORDS  # a short text's low score is no evidence
                and _may_reach(signals, self.scam_at)
                and not beyond_doubt(signals, self.scam_at)
            ):
                doubted = self.model.most_scam_like(numbers, signs, probability) < doubt_below
        return combine(
            signals,
            caution_at=self.caution_at,
            scam_at=self.scam_at,
            verified_employer=verified.name if verified else None,
            matched_script=match.script_id if match else None,
            wording_doubted=doubted,
        )

    def add_script(self, script_id: str, text: str, label: str) -> None:
        """Grow the known-scripts library (an admin confirmed a report); label "legit" retracts."""
        with self._lock:
            self.scripts.add(script_id, text, label)
            self.revision += 1

    def __getstate__(self) -> dict[str, object]:
        """A copy for the CPU worker process: checks 1-3 alike, without the lock and without
        online reputation (check 4 runs on the bot's event loop)."""
        state = dict(self.__dict__)
        del state["_lock"]
        state["reputation"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    async def check_online(self, posting: Posting, verdict: Verdict) -> Verdict:
        """The verdict with online reputation added; unchanged when reputation is off.

        Never waits more than the reputation's budget (2 s by default): what is not known by
        then is left out, and the offline verdict stands.
        """
        if self.reputation is None or verdict.verified_employer is not None or not verdict.scored:
            return verdict  # off, the link is on an employer's own domain or board, or unjudged
        extra = await self.reputation.signals(posting.url or (posting.company_domain or ""))
        if not extra:
            return verdict
        return combine(
            (*verdict.reasons, *extra),
            caution_at=self.caution_at,
            scam_at=self.scam_at,
            verified_employer=verdict.verified_employer,
            matched_script=verdict.matched_script,
            wording_doubted=any(reason.id == "model.doubt" for reason in verdict.reasons),
        )

    # -- parts -------------------------------------------------------------------------------

    def _text_link_signals(
        self, text: str, primary_url: str, claimed: Employer | None
    ) -> list[Signal]:
        """Links written in the text (`bot.scam.textlinks`, bare domains too): look-alikes,
        shorteners, raw IPs, throw-away endings (no impersonation)."""
        primary = link_key(primary_url)
        signals: list[Signal] = []
        for url in text_links(text):
            if link_key(url) != primary:
                signals.extend(self._links.check_link(url, claimed, primary=False).signals)
        return signals

    def _model_signal(
        self, view: TextView, probability: float, signs: list[str], others: list[Signal]
    ) -> list[Signal]:
        """The learned model's reason: how close the wording is to real scams, and the words
        of this text that weighed most. Wording alone never makes a scam: unless the other
        reasons reach `SCAM_FLOOR`, the model's points stop short of the scam line. A text in
        a warning's voice (`bot.scam.notice`) gets none below `WARNING_MIN_PROBABILITY`: a
        warning is written in scams' own words, and the model scores many employers' notices
        as scams, yet police and press accounts of one scheme read as warnings too."""
        assert self.model is not None
        if view.notice and probability < WARNING_MIN_PROBABILITY:
            return []
        weight = self.model.weight(probability, view.language)
        if weight > 0:
            base = sum(signal.weight for signal in heaviest(others))
            weight = min(weight, max(0.0, with_model(base, weight, self.scam_at) - base))
        if weight <= 0:
            return []
        percent = f"{probability * 100:.0f}"
        words = ", ".join(self.model.strongest_words(view.words + signs))
        return [Signal("model.text", weight, words, "signal.model_text", {"percent": percent})]

    def _pay_signals(self, posting: Posting, view: TextView, signals: list[Signal]) -> list[Signal]:
        """Pay far above the role's range, and "no experience" next to high or sure pay."""
        found = stated_pay(view.folded, view.original, view.pay)
        structured = pay_from_posting(posting.pay)
        if structured is not None:
            found.append(structured)
        entry_level = view.has(NO_EXPERIENCE.bit)
        above: list[StatedPay] = []
        limit = 0.0
        if found:  # the role's ceiling takes scans of the whole text: only when pay is stated
            title = fold_aligned(posting.title)
            limit = role_limit_usd_h(title, view.folded, entry_level=entry_level)
            above = [pay for pay in found if pay.hourly_usd > limit]
        extra: list[Signal] = []
        if above:
            top = max(above, key=lambda pay: pay.hourly_usd)
            extra.append(
                Signal(
                    "pay.above_range",
                    25,
                    top.evidence,
                    "signal.pay_above_range",
                    {"hourly": f"{top.hourly_usd:.0f}", "limit": f"{limit:.0f}"},
                )
            )
        lured = any(signal.id == "pay_lure" for signal in signals)
        if entry_level and (above or lured):
            extra.append(Signal("pay.easy_high", 20, "", "signal.pay_easy_high"))
        return extra


def _may_reach(signals: list[Signal], scam_at: int) -> bool:
    """Whether the signals sum to `scam_at` or more: only then (and when they are not
    `beyond_doubt`) may the model's doubt matter, and its passages are read."""
    return sum(signal.weight for signal in heaviest(signals)) >= scam_at


def _sent_elsewhere(named: Employer, signals: list[Signal]) -> list[Signal]:
    """A text that names a registered employer but sends the reader to a chat app or a
    webmail address impersonates it: real employers recruit through their own channels."""
    ids = {signal.id for signal in signals}
    if "link.impersonation" in ids or "email.mismatch" in ids:
        return []  # the link or address checks already said so, with the domain
    elsewhere = next(
        (s for s in signals if s.id in ("chat_move", "email.webmail", "remote_access")), None
    )
    if elsewhere is None:
        return []
    return [
        Signal(
            "impersonation",
            30,
            named.name,
            "signal.impersonation_text",
            {"employer": named.name, "official": named.domains[0] if named.domains else ""},
        )
    ]


@functools.cache
def shipped_model() -> TextModel | None:
    """The model file shipped in the package, read once per process."""
    return TextModel.load()


def _script_signal(match: ScriptMatch) -> Signal:
    strong = match.containment >= SCRIPT_STRONG_CONTAINMENT
    percent = f"{match.containment * 100:.0f}"
    return Signal(
        "script.match",
        SCRIPT_STRONG_WEIGHT if strong else SCRIPT_WEIGHT,
        f"{match.script_id} ({percent}%)",
        "signal.script_match",
        {"script": match.script_id, "label": match.label, "similarity": percent},
    )
