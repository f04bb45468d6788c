"""Turning the fields a source mapped into a `Posting`, and naming the employer.

Every source fills a posting the same way: the fields the payload gave win, what it left out
(remote, pay, language) is read from the text, and text fields are tidied. The company's
own domain and a display name from a board slug are worked out here too, so that every
source names employers alike.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from bot.failures import posting_failed
from bot.models import Pay, Posting
from bot.postings.language import detect_language
from bot.postings.normalize import (
    MAX_DESCRIPTION_CHARS,
    MAX_FIELD_CHARS,
    MAX_HOST_CHARS,
    MAX_ID_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    canonical_url,
    clean_field,
    clean_text,
    detect_remote,
    parse_pay,
)
from bot.suffixes import PUBLIC_SUFFIXES

_T = TypeVar("_T")

__all__ = [
    "bounded_id",
    "bounded_posting",
    "build_posting",
    "company_domain", "default_company", "domain_of"]


def build_posting(
    *,
    source: str,
    native_id: str,
    url: str,
    title: str,
    company: str,
    description: str,
    location: str = "",
    remote: bool | None = None,
    pay: Pay | None = None,
    pay_text: str = "",
    posted_at: datetime | None = None,
    company_domain: str | None = None,
) -> Posting:
    """A Posting from mapped fields; what the payload left out is read from the text.
    A link longer than any page's (MAX_URL_CHARS) is left out: the posting has no link,
    which sources treat as a bad item (`adapters.sources.payload.map_items`).

    Structured values win: `remote` and `pay` are only inferred (remote from the location,
    title and description; pay from `pay_text`, the title, then the description) when the
    source gave none. Language comes from the title
    and description.
    """
    title = clean_field(title, MAX_TITLE_CHARS)
    description = clean_text(description, MAX_DESCRIPTION_CHARS)
    location = clean_field(location, MAX_FIELD_CHARS)
    native_id = bounded_id(native_id)
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        url = ""  # no job page has such a link, and a cut one leads nowhere

    def inferred(what: Callable[[], _T], fallback: _T) -> _T:
        """One inference from the text; a failure inside leaves the field unknown."""
        try:
            return what()
        except Exception as error:  # one posting's odd text must not stop the poll
            posting_failed("normalise", source, native_id, error)
            return fallback

    if remote is None:
        remote = inferred(lambda: detect_remote(location, description, title=title), None)
    if pay is None:
        pay = inferred(lambda: _pay_from_text(pay_text, title, description), None)
    return Posting(
        source=source,
        native_id=native_id,
        url=inferred(lambda: canonical_url(url), url),
        title=title,
        company=clean_field(company, MAX_FIELD_CHARS),
        company_domain=company_domain,
        location=location,
        remote=remote,
        pay=pay,
        description=description,
        posted_at=posted_at,
        language=inferred(lambda: detect_language(f"{title}\n{description}"), None),
    )


def bounded_posting(posting: Posting) -> Posting:
    """`posting` with every field within its real maximum (MAX_* in `normalize`), for
    postings that were not made by `build_posting` (a page read for a link check, a line given
    to `score`): the same caps, so no later step meets a megabyte-long host or title."""
    url = posting.url.strip()
    domain = posting.company_domain
    bounded = dataclasses.replace(
        posting,
        native_id=bounded_id(posting.native_id),
        url=url if len(url) <= MAX_URL_CHARS else "",
        title=posting.title[:MAX_TITLE_CHARS],
        company=posting.company[:MAX_FIELD_CHARS],
        company_domain=domain if domain is None or len(domain) <= MAX_HOST_CHARS else None,
        location=posting.location[:MAX_FIELD_CHARS],
        description=posting.description[:MAX_DESCRIPTION_CHARS],
    )
    return posting if bounded == posting else bounded


def bounded_id(native_id: str) -> str:
    """A payload's id, at most MAX_ID_CHARS long; a longer one keeps a prefix and a hash of
    the whole, so two long ids stay two postings."""
    if len(native_id) <= MAX_ID_CHARS:
        return native_id
    digest = hashlib.sha256(native_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{native_id[: MAX_ID_CHARS - 33]}#{digest}"


def _pay_from_text(pay_text: str, title: str, description: str) -> Pay | None:
    pay = parse_pay(pay_text) if pay_text else None
    return pay or parse_pay(title) or parse_pay(description)


# The bundled public-suffix snapshot only: looking a domain up must never touch the network.
_EXTRACT = PUBLIC_SUFFIXES


def domain_of(url: str) -> str | None:
    """The registered domain of `url` ("jobs.acme.co.uk" → "acme.co.uk"), or None."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return _registered_domain(host) if host else None


@functools.lru_cache(maxsize=4096)
def _registered_domain(host: str) -> str | None:
    """Cached: a board repeats one host in every posting, and the suffix walk is not free."""
    extracted = _EXTRACT(host)
    if not extracted.domain or not extracted.suffix:
        return None
    return f"{extracted.domain}.{extracted.suffix}".lower()


def company_domain(url: str, board_domains: frozenset[str]) -> str | None:
    """The company's own domain when a job link points off the job board (a careers site)."""
    domain = domain_of(url)
    if domain is None or domain in board_domains:
        return None
    return domain


def default_company(board: str) -> str:
    """A display name from a board slug when the payload names none: "scale-ai" → "Scale Ai"."""
    return " ".join(part.capitalize() for part in board.replace("_", "-").split("-") if part)
