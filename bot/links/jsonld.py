"""A schema.org `JobPosting` in JSON-LD → a posting: the best of a job page's three readings.

JSON-LD is what Google for Jobs reads, so most real job boards publish it, and it names the
employer, the pay and the remote flag outright. Pages write it carelessly: a block that does
not parse, a field that is a list where one value was expected, an `@graph` whose employer is
an `@id` reference. Each is read as far as it goes and skipped where it stops making sense;
nothing here raises on input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from bot.links.extracted import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, SOURCE, ExtractedPosting
from bot.links.page_text import clean_inline, is_web_url, native_id
from bot.models import Pay, PayPeriod, Posting
from bot.postings.normalize import (
    detect_remote,
    html_to_text,
    parse_amount,
    parse_pay,
    period_from_text,
)

#: Amounts this large with no unit are a yearly salary (as in `bot.postings.normalize.parse_pay`);
#: smaller ones without a unit are not read as pay at all.
YEARLY_WITHOUT_UNIT = 10_000.0
#: Hosts that a `sameAs` link points at without being the employer's own site.
PROFILE_HOSTS = frozenset(
    {
        "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
        "wikipedia.org", "glassdoor.com", "crunchbase.com", "github.com", "tiktok.com",
        "indeed.com", "wikidata.org", "threads.net", "medium.com",
    }
)  # fmt: skip
_LANG_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")
_MAX_WALK_NODES = 5_000


def json_ld_blocks(tree: LexborHTMLParser) -> Iterator[Any]:
    """Each `<script type="application/ld+json">` of a page that parses, as JSON values."""
    for script in tree.css("script"):
        kind = (script.attributes.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        parsed = loads(script.text(deep=True))
        if parsed is not None:
            yield parsed


def loads(raw: str) -> Any:
    """JSON as pages write it: wrapped in comments or CDATA, with raw newlines in strings."""
    text = raw.strip()
    for prefix, suffix in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("//<![CDATA[", "//]]>")):
        if text.startswith(prefix) and text.endswith(suffix):
            text = text[len(prefix) : -len(suffix)].strip()
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None  # broken JSON-LD is common; the page still has its other parts


def walk(root: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document: top level, lists, `@graph`, `mainEntity`, nested."""
    stack: list[Any] = [root]
    seen = 0
    while stack and seen < _MAX_WALK_NODES:
        item = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(reversed([v for v in item.values() if isinstance(v, dict | list)]))


def read_job_posting(
    page_url: str, nodes: list[dict[str, Any]], declared: str | None
) -> ExtractedPosting | None:
    """The first `JobPosting` among `nodes` (from `walk`) as a posting; None if there is none.

    `declared` is the address the page's markup claims (canonical link, `og:url`); without
    one, the posting's own `url` stands in. Either is used only when `page_url` is "".
    """
    job = next(iter(job_postings(nodes)), None)
    if job is None:
        return None
    return _from_job_posting(page_url, job, _id_index(nodes), declared)


def job_postings(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every `JobPosting` among `nodes` (from `walk`), in page order: a careers page lists
    many, and `read_job_posting(url, [job, *nodes], ...)` reads each one."""
    return [node for node in nodes if _is_type(node, "JobPosting")]


def _is_type(node: dict[str, Any], wanted: str) -> bool:
    types = node.get("@type")
    for kind in types if isinstance(types, list) else [types]:
        if isinstance(kind, str) and re.split(r"[/:#]", kind)[-1] == wanted:
            return True
    return False


def _from_job_posting(
    page_url: str, job: dict[str, Any], ids: dict[str, dict[str, Any]], declared: str | None
) -> ExtractedPosting:
    raw_description = text_value(job.get("description"))
    description = html_to_text(raw_description, entity_encoded="&lt;" in raw_description)
    description = description[:MAX_DESCRIPTION_CHARS]
    title = clean_inline(text_value(job.get("title")) or text_value(job.get("name")))
    title = title[:MAX_TITLE_CHARS]
    org = _resolve(job.get("hiringOrganization"), ids)
    company, company_domain, profile = _organization(org, ids)
    job_url = text_value(job.get("url"))
    declared_url = declared or (job_url if is_web_url(job_url) else None)
    url = page_url or declared_url or ""
    location = _locations(job.get("jobLocation"), ids)
    requirements = _place_names(job.get("applicantLocationRequirements"), ids)
    telecommute = any(
        isinstance(kind, str) and kind.strip().upper() == "TELECOMMUTE"
        for kind in _as_list(job.get("jobLocationType"))
    )
    if not location and requirements:
        location = requirements
    remote = True if telecommute else detect_remote(location, description, title=title)
    pay = _salary(job.get("baseSalary")) or _salary(job.get("estimatedSalary"))
    posting = Posting(
        source=SOURCE,
        native_id=_identifier(job.get("identifier"))
        or _identifier(job.get("@id"))
        or native_id(url, description),
        url=url,
        title=title,
        company=company,
        company_domain=company_domain,
        location=location,
        remote=remote,
        pay=pay or parse_pay(description),
        description=description,
        posted_at=_date(job.get("datePosted")),
        language=language_code(job.get("inLanguage")),
    )
    return ExtractedPosting(posting, profile, "jsonld", declared_url)


def _id_index(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Nodes by `@id`, for resolving references. A bare reference (`{"@id": ...}` and nothing
    more) never stands in for the full node it points at."""
    index: dict[str, dict[str, Any]] = {}
    for node in nodes:
        node_id = node.get("@id")
        if isinstance(node_id, str) and not set(node) <= {"@id", "@type"}:
            index.setdefault(node_id, node)
    return index


def _resolve(value: Any, ids: dict[str, dict[str, Any]]) -> Any:
    """An `{"@id": ...}` reference replaced by the node it names, when the page has it."""
    value = _first(value)
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        return ids.get(str(value.get("@id")), value)
    return value


def _organization(org: Any, ids: dict[str, dict[str, Any]]) -> tuple[str, str | None, str]:
    """(name, the employer's own domain, a profile text) of a `hiringOrganization`."""
    if isinstance(org, str):
        name = clean_inline(org)
        return name, None, name
    if not isinstance(org, dict):
        return "", None, ""
    name = clean_inline(text_value(org.get("name")) or text_value(org.get("legalName")))
    links = [text_value(org.get("url"))] + [text_value(v) for v in _as_list(org.get("sameAs"))]
    links = [link for link in links if is_web_url(link)]
    domain = next((d for d in map(_host, links) if d and not _is_profile_host(d)), None)
    about = html_to_text(text_value(org.get("description")))
    address = _address(_resolve(org.get("address"), ids))
    email = text_value(org.get("email"))
    profile = "\n".join(part for part in (name, *links, email, address, about) if part)
    return name, domain, profile


def _locations(value: Any, ids: dict[str, dict[str, Any]]) -> str:
    places: list[str] = []
    for item in _as_list(value):
        place = _resolve(item, ids)
        if isinstance(place, str):
            text = clean_inline(place)
        elif isinstance(place, dict):
            text = _address(_resolve(place.get("address"), ids)) or clean_inline(
                text_value(place.get("name"))
            )
        else:
            text = ""
        if text and text not in places:
            places.append(text)
    return " / ".join(places)


def _place_names(value: Any, ids: dict[str, dict[str, Any]]) -> str:
    names: list[str] = []
    for item in _as_list(value):
        place = _resolve(item, ids)
        name = clean_inline(place if isinstance(place, str) else text_value(_get(place, "name")))
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def _address(value: Any) -> str:
    if isinstance(value, str):
        return clean_inline(value)
    if not isinstance(value, dict):
        return ""
    parts: list[str] = []
    for key in ("addressLocality", "addressRegion", "addressCountry"):
        item = _first(value.get(key))
        text = clean_inline(item if isinstance(item, str) else text_value(_get(item, "name")))
        if text and text not in parts:
            parts.append(text)
    return ", ".join(parts)


def _salary(value: Any) -> Pay | None:
    """`MonetaryAmount{currency, value: QuantitativeValue{value|minValue,maxValue, unitText}}`,
    a `QuantitativeValue`, or a bare number."""
    value = _first(value)
    if isinstance(value, int | float | str):
        amount = _number(value)
        if amount is None or amount < YEARLY_WITHOUT_UNIT:
            return None
        return Pay(amount, amount, "", PayPeriod.YEAR)
    if not isinstance(value, dict):
        return None
    currency = text_value(value.get("currency")).strip().upper()
    inner = _first(value.get("value"))
    unit = text_value(value.get("unitText"))
    if isinstance(inner, dict):
        unit = text_value(inner.get("unitText")) or unit
        low = _number(inner.get("minValue"))
        high = _number(inner.get("maxValue"))
        single = _number(inner.get("value"))
    else:
        low = _number(value.get("minValue"))
        high = _number(value.get("maxValue"))
        single = _number(inner)
    low = low if low is not None else single
    high = high if high is not None else (single if single is not None else low)
    # A bound of 0 or less is a form's empty field, as the sources' pay readers take it.
    low = high if low is None or low <= 0 else low
    high = low if high is None or high <= 0 else high
    if low is None or high is None or low <= 0:
        return None
    low, high = min(low, high), max(low, high)
    period = period_from_text(unit) if unit else None
    if period is None:
        if low < YEARLY_WITHOUT_UNIT:
            return None  # "25" with no unit could be anything; the text may say more
        period = PayPeriod.YEAR
    return Pay(low, high, currency if re.fullmatch(r"[A-Z]{3}", currency) else "", period)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        found = re.search(r"\d[\d.,\u00a0 ]*", value)
        return parse_amount(found.group(0).strip()) if found else None
    return None


def _date(value: Any) -> datetime | None:
    text = text_value(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return None
        parsed = datetime(day.year, day.month, day.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _identifier(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("value") or value.get("@id") or value.get("name")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return text_value(value).strip()


# -- JSON-LD values --------------------------------------------------------------------------


def text_value(value: Any) -> str:
    """A JSON-LD text value: a string, a one-element list, or a `{"@value": ...}` object."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return value if isinstance(value, str) else ""


def language_code(value: Any) -> str | None:
    """ "es" from "es-MX", an `inLanguage` list, or a `Language` object; None when unclear.
    Also reads an HTML `lang` attribute, which is written the same way."""
    text = text_value(value) or (value if isinstance(value, str) else "")
    if isinstance(_first(value), dict):
        text = text_value(_get(_first(value), "alternateName")) or text
    found = _LANG_RE.match(text.strip())
    return found.group(1).lower() if found else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _is_profile_host(host: str) -> bool:
    return any(host == known or host.endswith("." + known) for known in PROFILE_HOSTS)
