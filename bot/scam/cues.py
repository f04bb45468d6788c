"""Cues: the word patterns a scam family shows in, and the context that cancels them.

A `Cue` is a few concepts in order, each within a few tokens of the one before, inside one
clause ("pay" … "fee"; "recarga" … "USDT"; "enviando" … "cheques" … "comprar" … "equipos").
A match counts unless its own clause says otherwise:

* negation just before it or inside it: "we will never ask you to pay a fee", "no pagues";
* a warning about scams, scoped to its clause: "scammers may ask you to buy a kit", "si
  alguien te pide pagar". A user's own "is this a scam?" is a clause of its own, so the
  message they ask about keeps every signal;
* for money, who pays: "we pay for your training" or "cubrimos el curso" is the employer
  paying; "we need you to pay" is not;
* a veto the cue names ("reimbursed", "stipend", "direct deposit").
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.scam.lexicon import concept
from bot.scam.payer import employer_pays, paid_by_charge, paid_to_you
from bot.scam.textmarks import CHAT_LINK, HANDLE, MONEY, PHONE
from bot.scam.textview import TextView, Token

__all__ = ["Cue", "Slot", "find"]

#: Negation of a verb, reaching across its clause: "we will never ask you to pay".
NEGATION = concept(
    "context.negation",
    en="not | never | don't | dont | doesn't | didn't | won't | wont | nor | neither | nobody"
    " | none | cannot | can't",
    es="nunca | jamás | tampoco | nadie | ni",
)
#: Negation of what follows it closely: "no fee", "no need to pay", "sin costo", "no
#: pagues"; but "No experience needed, just pay the fee" keeps the fee.
SHORT_NEGATION = concept(
    "context.short_negation",
    en="no | without | zero | free of",
    es="no | sin | ningún | ninguna | ninguno",
)
#: What a short negation negates from afar: "no need to…", "sin necesidad de…".
NEED = concept(
    "context.need",
    en="need | needed | required | requirement | obligation | charge | cost | payment",
    es="necesidad | necesario | necesitas | necesita | obligación | cargo | costo | coste",
)
#: Who is warned against: the subject of "scammers may ask you to pay".
WARNING_ACTOR = concept(
    "context.warning_actor",
    en="scammer | fraudster | criminal | impostor | imposter | bad actor | thief | crook"
    " | fake recruiter | scam | scams | fraud | frauds | fake job | fake jobs"
    " | alleged employer | supposed employer | so-called employer | fake employer",
    es="estafador | delincuente | ciberdelincuente | impostor | suplantador | timador"
    " | falso reclutador | estafa | estafas | fraude | fraudes | timo | timos | oferta falsa"
    " | ofertas falsas | supuesta empresa | supuesto empleador | supuesto reclutador"
    " | falsa empresa | empresa falsa",
)
#: What makes a sentence about scammers general advice rather than a report of what happened.
HEDGE = concept(
    "context.hedge",
    en="may | might | can | could | often | sometimes | usually | typically | commonly | tend"
    " | common | typical | frequent | such as | like | there are | there is",
    es="puede | pueden | podría | podrían | suelen | suele | pueda | puedan | frecuentemente"
    " | habitualmente | normalmente | a menudo | habitual | habituales | común | comunes"
    " | típico | típicos | como | hay | existen",
)
WARN_VERB = concept(
    "context.warn",
    en="beware | be wary | watch out | be careful | be aware | red flag | warning | never trust",
    es="cuidado con | desconfía | ojo con | alerta | atención | ten cuidado | precaución",
)
CONDITIONAL = concept("context.if", en="if | whenever", es="si | cuando")
ANYONE = concept(
    "context.anyone",
    en="someone | anyone | anybody | somebody | a recruiter | an employer | a company",
    es="alguien | alguno | alguna | cualquiera | un reclutador | una empresa",
)
_CONTEXT_WORDS = 8  # how far back in its clause a negation or a warning reaches
_SHORT_REACH = 3  # how many tokens after it a short negation ("no", "sin") covers


@dataclass(frozen=True, slots=True)
class Slot:
    """One place in a cue: a token carrying any of `any`, and none of `none`."""

    any: int
    none: int = 0

    def accepts(self, token: Token) -> bool:
        return bool(token.bits & self.any) and not token.bits & self.none


@dataclass(frozen=True, slots=True)
class Cue:
    """One way a family shows in text. `weight` is points of risk (0-100 scale)."""

    name: str
    slots: tuple[Slot, ...]
    weight: float
    gap: int = 4  # tokens allowed between one slot and the next
    same_clause: bool = True
    negatable: bool = True
    payer: bool = False  # money the applicant pays: the employer paying cancels it
    unless: int = 0  # concepts anywhere in the clause that cancel it
    unless_after: int = 0  # concepts in the few tokens after it ("the kit is free")
    needs: int = 0  # concepts that must appear within `needs_window` tokens of it
    needs_window: int = 15
    message_key: str | None = None  # overrides the family's explanation
    #: Concepts that act as verbs in this cue ("pay", "deposit", "forward"): a word of them
    #: that is an item of a list of nouns ("Zelle, ATM deposits, checks") is no verb.
    verbs: int = 0
    #: Concepts that charge unless workers are their subject (Spanish "cobrar": "los
    #: censistas cobrarán $6.000" is the workers being paid; "te cobran" charges).
    charges: int = 0
    #: The concepts each slot accepts: asked of every cue for every text, so kept.
    slot_bits: tuple[int, ...] = field(init=False, compare=False)
    #: The same question in one step for the slots of one concept each: their concepts
    #: together (`every_bit`), and the slots that accept several (`any_of_bits`).
    every_bit: int = field(init=False, compare=False)
    any_of_bits: tuple[int, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        slot_bits = tuple(slot.any for slot in self.slots)
        object.__setattr__(self, "slot_bits", slot_bits)
        single = [bits for bits in slot_bits if bits.bit_count() == 1]
        object.__setattr__(self, "every_bit", functools.reduce(operator.or_, single, 0))
        object.__setattr__(
            self, "any_of_bits", tuple(bits for bits in slot_bits if bits.bit_count() != 1)
        )

    def may_show(self, union: int) -> bool:
        """Whether every slot's concepts are somewhere among `union` (a text's concepts):
        most cues have a word that is nowhere in the text."""
        every = self.every_bit
        if union & every != every:
            return False
        return not self.any_of_bits or all(map(union.__and__, self.any_of_bits))


def slot(any_bits: int, none: int = 0) -> Slot:
    return Slot(any_bits, none)


def find(view: TextView, cue: Cue) -> tuple[int, int] | None:
    """The first place where `cue` shows and its context agrees: the places (in
    `view.tokens`) of its first and last token."""
    if not cue.may_show(view.union):
        return None  # one of its words is nowhere in the text
    for span in _spans(view, cue):
        if _accepted(view, cue, *span):
            return span
    return None


def _spans(view: TextView, cue: Cue) -> Iterator[tuple[int, int]]:
    tokens = view.tokens
    first = cue.slots[0]
    for start in view.positions(first.any):
        if not first.accepts(tokens[start]):
            continue
        end = _extend(view, cue, start, 1)
        if end is not None:
            yield start, end


def _extend(view: TextView, cue: Cue, previous: int, slot_index: int) -> int | None:
    """The last place of a match whose slot `slot_index` comes after place `previous`."""
    if slot_index == len(cue.slots):
        return previous
    tokens = view.tokens
    wanted = cue.slots[slot_index]
    reach = tokens[previous].index + cue.gap + 1
    place = previous + 1
    while place < len(tokens) and tokens[place].index <= reach:
        token = tokens[place]
        if cue.same_clause and token.clause != tokens[previous].clause:
            return None
        if wanted.accepts(token):
            found = _extend(view, cue, place, slot_index + 1)
            if found is not None:
                return found
        place += 1
    return None


#: What makes an ask concrete even inside a warning: a sum, a number, a handle, a chat link.
_CONCRETE = MONEY.bit | PHONE.bit | HANDLE.bit | CHAT_LINK.bit


def _accepted(view: TextView, cue: Cue, start: int, end: int) -> bool:
    tokens = view.tokens
    first, last = tokens[start], tokens[end]
    span = tokens[start : end + 1]
    if view.notice and not any(token.bits & _CONCRETE for token in span):
        return False
    before = _clause_before(view, start)
    if cue.negatable and (
        _negated(view, before, start, end) or _warned(before) or _answered_no(view, last)
    ):
        return False
    if cue.verbs and any(token.bits & cue.verbs and _listed(view, token) for token in span):
        return False
    if cue.payer and (employer_pays(before, first) or paid_to_you(view, first)):
        return False
    if cue.charges and any(
        token.bits & cue.charges and paid_by_charge(view, token) for token in span
    ):
        return False
    if cue.unless and any(
        token.bits & cue.unless for token in tokens if token.clause == first.clause
    ):
        return False
    if cue.unless_after and any(
        token.bits & cue.unless_after
        for token in tokens[end + 1 : end + 6]
        if token.clause == last.clause and token.index <= last.index + 5
    ):
        return False
    if cue.needs:
        low, high = first.index - cue.needs_window, last.index + cue.needs_window
        if not any(token.bits & cue.needs for token in tokens if low <= token.index <= high):
            return False
    return True


def _clause_before(view: TextView, start: int) -> list[Token]:
    """The tokens of the words just before place `start`, in its clause."""
    tokens = view.tokens
    first = tokens[start]
    place = start
    while (
        place > 0
        and tokens[place - 1].clause == first.clause
        and first.index - tokens[place - 1].index <= _CONTEXT_WORDS
    ):
        place -= 1
    return tokens[place:start]


def _negated(view: TextView, before: list[Token], start: int, end: int) -> bool:
    inside = view.tokens[start + 1 : end]
    negators = NEGATION.bit | SHORT_NEGATION.bit
    if any(token.bits & NEGATION.bit for token in before) or any(
        token.bits & negators for token in inside
    ):
        return True
    first = view.tokens[start].index
    for token in before:
        if token.bits & SHORT_NEGATION.bit:
            following = view.token_at(token.index + 1)
            near = first - token.index <= _SHORT_REACH
            if near or (following is not None and following.bits & NEED.bit):
                return True
    return False


_QUESTION_REACH = 120  # characters from a cue to the end of its question
_NO_ANSWER = re.compile(r"\?\s*[\"'»”]?\s*(?:no|nope|never|nunca|jam[aá]s)\b", re.IGNORECASE)


def _answered_no(view: TextView, last: Token) -> bool:
    """Whether the cue sits in a question a "No" answers, as help pages ask and answer
    them: "Does registration cost anything? No, it is free", "¿Cuesta algo el registro? No,
    es gratuito"."""
    text = view.original
    stop = min(len(text), last.end + _QUESTION_REACH)
    mark = text.find("?", last.end, stop)
    if mark < 0 or any(end in text[last.end : mark] for end in ".!\n"):
        return False
    return _NO_ANSWER.match(text, mark) is not None


def _warned(before: list[Token]) -> bool:
    """General advice about scams, in this clause: "scammers may…", "beware of…", "if
    someone asks you to…"."""
    actor = any(token.bits & WARNING_ACTOR.bit for token in before)
    if actor and any(token.bits & HEDGE.bit for token in before):
        return True
    if any(token.bits & WARN_VERB.bit for token in before):
        return True
    conditional = any(token.bits & CONDITIONAL.bit for token in before)
    return conditional and any(token.bits & (ANYONE.bit | WARNING_ACTOR.bit) for token in before)


_ITEM_WORDS = 2  # how many words a listed item may have ("ATM deposits")


def _listed(view: TextView, token: Token) -> bool:
    """Whether `token` ends an item of a comma-separated list of nouns: a comma at most
    `_ITEM_WORDS` words before it and one right after it ("…, Zelle, ATM deposits, checks").
    A verb heads its list instead ("send your name, address, bank details") or is followed
    by its object ("…, receive funds, and forward them")."""
    words, starts, original = view.words, view.word_starts, view.original
    place = token.index
    if place + 1 >= len(words) or "," not in original[starts[place] : starts[place + 1]]:
        return False
    for first in range(place, max(0, place - _ITEM_WORDS), -1):
        if "," in original[starts[first - 1] : starts[first]]:
            return True
    return False
