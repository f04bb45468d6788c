"""Who a text says is hiring: a registered employer named anywhere in it, or any company.

A pasted recruiter's message rarely has a "company" field, but it says who it speaks for:
"Hola, soy reclutadora de Outlier", "Empresa: Welo Data", "I'm Emma, a recruiter with
Appen". Such a text names a company, so "names no company" is for texts that name none; and a
text that names a registered employer while sending the reader to a chat app, a webmail
address or another domain is impersonating it.
"""

from __future__ import annotations

import itertools
import re

from bot.scam.employers import Employer, EmployerRegistry
from bot.scam.textview import TextView

__all__ = ["named_employer", "names_a_company"]

#: "Company: X", "Empresa: X", "Employer - X" at the start of a line.
_COMPANY_LABEL = re.compile(
    r"(?im)^[ \t*•-]*(?:company|empresa|employer|empleador|compa[ñn][ií]a|client|cliente"
    r"|organi[sz]ation|organizaci[oó]n)[ \t]*[:–-][ \t]*\w"
)
#: A capitalised name after the words that introduce an employer: "recruiter from Acme",
#: "trabajo en Acme", "on behalf of Acme", "de parte de Acme".
_INTRODUCED = re.compile(
    r"\b(?:recruiter|recruiting|hiring|talent|hr|team|manager|representative|reclutador[a]?"
    r"|reclutamiento|recursos humanos|rrhh|selecci[oó]n|behalf|parte|join|work(?:ing)?"
    r"|trabaj(?:o|ar|amos)|somos|represento|vacante)\s+(?:\w+\s+){0,2}?(?:from|at|with|of|for"
    r"|de|en|con|para|del)\s+(?:la\s+empresa\s+|the\s+company\s+)?[A-Z][\w&.'-]{2,}"
)
_SENTENCE_START = re.compile(r"[.!?:\n¿¡\"“]\s*$")


def named_employer(view: TextView, registry: EmployerRegistry) -> Employer | None:
    """The first registered employer the text names, if any."""
    words = view.words
    starts = registry.alias_starts
    if starts.isdisjoint(view.vocabulary if view.vocabulary else words):
        return None
    candidates = list(itertools.compress(itertools.count(), map(starts.__contains__, words)))
    return registry.named_in(words, _Capitalised(view), candidates)


class _Capitalised:
    """The words written with a capital, not opening a sentence, asked one at a time: only
    a brand that is an ordinary word ("Outlier", "Scale"), matched alone, needs the answer,
    so the other candidates of a text are not looked at."""

    __slots__ = ("_original", "_starts")

    def __init__(self, view: TextView) -> None:
        self._original = view.original
        self._starts = view.word_starts

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int) or index <= 0 or index >= len(self._starts):
            return False
        start = self._starts[index]
        return self._original[start].isupper() and not _SENTENCE_START.search(
            self._original, max(0, start - 3), start
        )


def names_a_company(text: str) -> bool:
    """Whether the text says who is hiring, registered or not."""
    return bool(_COMPANY_LABEL.search(text) or _INTRODUCED.search(text))
