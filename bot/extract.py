"""A job page (HTML, JSON or text) → a `Posting`, for the "is this legit?" check.

Three ways to read a page, best first:

1. schema.org `JobPosting` in JSON-LD: what Google for Jobs reads, so most real job boards
   publish it, and it names the employer, the pay and the remote flag outright;
2. OpenGraph tags (`og:title`, `og:site_name`, `og:description`) plus the page's main text:
   what a page shared on social networks carries;
3. the main text alone (and, for a plain-text body, the whole body).

Pages are hostile and often broken: a JSON-LD block that does not parse, a field that is a
list where one value was expected, an `@graph` whose employer is an `@id` reference. Each is
read as far as it goes and skipped where it stops making sense; nothing here raises on input.
Pure: bytes in, posting out.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from bot.models import Pay, PayPeriod, Posting
from bot.normalize import (
    canonical_url,
    detect_language,
    detect_remote,
    html_to_text,
    parse_amount,
    parse_pay,
    period_from_text,
)

SOURCE = "link"
#: Descriptions longer than this are cut: the scam rules have seen enough by then, and a 2 MB
#: page of filler must not cost the checker seconds.
MAX_DESCRIPTION_CHARS = 50_000
MAX_TITLE_CHARS = 200
#: Markup read for the main text. Pages run at about 3–10 characters of markup per character
#: of text, so this still fills a capped description, and keeps a 2 MB page to a few tens of ms.
MAX_MAIN_MARKUP_CHARS = 10 * MAX_DESCRIPTION_CHARS
#: Amounts this large with no unit are a yearly salary (as in `bot.normalize.parse_pay`);
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
_JSON_TYPES = frozenset({"application/json", "application/ld+json"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_SPACES_RE = re.compile(r"\s+")
_LANG_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")
_MAX_WALK_NODES = 5_000
#: Page chrome whose words are not the posting's (menus, cookie banners, site footers).
_CHROME_SELECTOR = "nav, header, footer, aside, script, style, noscript, template, svg"

How = Literal["jsonld", "opengraph", "text"]


@dataclass(frozen=True, slots=True)
class ExtractedPosting:
    posting: Posting
    #: What the page says about the employer (name, site, profiles, self-description): the
    #: scam checker weighs a missing or thin identity.
    company_profile: str
    how: How
    #: The address the page claims for itself (canonical link, `og:url`, JSON-LD `url`).
    #: Only trusted for a saved page, which has no address of its own: a fetched page could
    #: claim any employer's domain.
    declared_url: str | None = None


def extract_posting(
    page_url: str, body: bytes, content_type: str, *, charset: str | None = None
) -> ExtractedPosting:
    """Read the posting a page carries. `page_url` is where it was fetched from ("" for a
    saved file: then the page's own declared address is used, when it gives one)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not charset:
        charset = _charset_param(content_type)
    text = _decode(body, charset, sniff_meta=media_type not in _JSON_TYPES)
    if media_type in _JSON_TYPES or (not media_type and text.lstrip()[:1] in {"{", "["}):
        return _from_json(page_url, text)
    if media_type in _HTML_TYPES or (not media_type and text.lstrip()[:1] == "<"):
        return _from_html(page_url, text)
    return _from_text(page_url, text)


# -- decoding --------------------------------------------------------------------------------


def _charset_param(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _decode(body: bytes, charset: str | None, *, sniff_meta: bool) -> str:
    """The body as text: BOM, then the header's charset, then `<meta charset>`, then UTF-8."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace")
    candidates = [charset] if charset else []
    if sniff_meta:
        found = _META_CHARSET_RE.search(body[:4096])
        if found:
            candidates.append(found.group(1).decode("ascii", errors="ignore"))
    for name in candidates:
        try:
            return body.decode(name, errors="replace")
        except LookupError:
            continue  # an unknown charset name: try the next guess
    return body.decode("utf-8", errors="replace")


# -- HTML ------------------------------------------------------------------------------------


def _from_html(page_url: str, markup: str) -> ExtractedPosting:
    tree = LexborHTMLParser(markup)
    meta = _meta_tags(tree)
    html_node = tree.css_first("html")
    html_lang = _language_code(html_node.attributes.get("lang") if html_node is not None else None)
    declared = _declared_url(tree, meta)
    nodes = [node for block in _json_ld_blocks(tree) for node in _walk(block)]
    job = next((node for node in nodes if _is_type(node, "JobPosting")), None)
    if job is not None:
        ids = _id_index(nodes)
        extracted = _from_job_posting(page_url, job, ids, declared)
        posting = extracted.posting
        if not posting.title or not posting.description or not posting.language:
            fallback_title = _meta_title(tree, meta)
            fallback_text = posting.description or _main_text(tree)
            posting = replace(
                posting,
                title=posting.title or fallback_title,
                description=fallback_text,
                language=posting.language
                or html_lang
                or detect_language(f"{posting.title}\n{fallback_text}"),
            )
        return ExtractedPosting(
            posting, extracted.company_profile, "jsonld", extracted.declared_url
        )

    main_text = _main_text(tree)
    og_title = meta.get("og:title", "")
    og_description = meta.get("og:description", "")
    description_meta = og_description or meta.get("description", "")
    if description_meta and _fold_spaces(description_meta) not in _fold_spaces(main_text):
        main_text = f"{description_meta}\n\n{main_text}".strip()
    how: How = "opengraph" if og_title or og_description else "text"
    title = og_title or _meta_title(tree, meta) or _first_line(main_text)
    company = meta.get("og:site_name", "")
    url = page_url or declared or ""
    profile = "\n".join(part for part in (company, meta.get("author", "")) if part)
    posting = _posting_from_text(
        url, title=title, company=company, text=main_text, language=html_lang
    )
    return ExtractedPosting(posting, profile, how, declared)


def _meta_tags(tree: LexborHTMLParser) -> dict[str, str]:
    """`og:*`, `description`, `author` and similar, first occurrence wins, keys lower case."""
    found: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        content = attrs.get("content")
        if key and content:
            found.setdefault(key.strip().lower(), _clean_inline(content))
    return found


def _meta_title(tree: LexborHTMLParser, meta: dict[str, str]) -> str:
    if meta.get("og:title"):
        return meta["og:title"]
    for selector in ("title", "h1"):
        node = tree.css_first(selector)
        text = _clean_inline(node.text(deep=True)) if node is not None else ""
        if text:
            return text[:MAX_TITLE_CHARS]
    return ""


def _declared_url(tree: LexborHTMLParser, meta: dict[str, str]) -> str | None:
    link = tree.css_first('link[rel="canonical"]')
    for candidate in (
        link.attributes.get("href") if link is not None else None,
        meta.get("og:url"),
    ):
        if candidate and _is_web_url(candidate):
            return candidate.strip()
    return None


def _main_text(tree: LexborHTMLParser) -> str:
    """The text a reader sees in the page's main content, without menus and footers."""
    root = tree.css_first('main, article, [role="main"]') or tree.body
    if root is None:
        return ""
    for node in root.css(_CHROME_SELECTOR):
        node.decompose()
    # The text walk is Python-speed: read only as much markup as can yield the capped text.
    markup = (root.html or "")[:MAX_MAIN_MARKUP_CHARS]
    return html_to_text(markup)[:MAX_DESCRIPTION_CHARS]


# -- JSON-LD ---------------------------------------------------------------------------------


def _json_ld_blocks(tree: LexborHTMLParser) -> Iterator[Any]:
    for script in tree.css("script"):
        kind = (script.attributes.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        parsed = _loads(script.text(deep=True))
        if parsed is not None:
            yield parsed


def _loads(raw: str) -> Any:
    """JSON as pages write it: wrapped in comments or CDATA, with raw newlines in strings."""
    text = raw.strip()
    for prefix, suffix in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("//<![CDATA[", "//]]>")):
        if text.startswith(prefix) and text.endswith(suffix):
            text = text[len(prefix) : -len(suffix)].strip()
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None  # broken JSON-LD is common; the page still has its other parts


def _walk(root: Any) -> Iterator[dict[str, Any]]:
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


def _is_type(node: dict[str, Any], wanted: str) -> bool:
    types = node.get("@type")
    for kind in types if isinstance(types, list) else [types]:
        if isinstance(kind, str) and re.split(r"[/:#]", kind)[-1] == wanted:
            return True
    return False


def _from_job_posting(
    page_url: str, job: dict[str, Any], ids: dict[str, dict[str, Any]], declared: str | None
) -> ExtractedPosting:
    raw_description = _string(job.get("description"))
    description = html_to_text(raw_description, entity_encoded="&lt;" in raw_description)
    description = description[:MAX_DESCRIPTION_CHARS]
    title = _clean_inline(_string(job.get("title")) or _string(job.get("name")))[:MAX_TITLE_CHARS]
    org = _resolve(job.get("hiringOrganization"), ids)
    company, company_domain, profile = _organization(org, ids)
    job_url = _string(job.get("url"))
    declared_url = declared or (job_url if _is_web_url(job_url) else None)
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
        or _native_id(url, description),
        url=url,
        title=title,
        company=company,
        company_domain=company_domain,
        location=location,
        remote=remote,
        pay=pay or parse_pay(description),
        description=description,
        posted_at=_date(job.get("datePosted")),
        language=_language_code(job.get("inLanguage")),
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
        name = _clean_inline(org)
        return name, None, name
    if not isinstance(org, dict):
        return "", None, ""
    name = _clean_inline(_string(org.get("name")) or _string(org.get("legalName")))
    links = [_string(org.get("url"))] + [_string(v) for v in _as_list(org.get("sameAs"))]
    links = [link for link in links if _is_web_url(link)]
    domain = next((d for d in map(_host, links) if d and not _is_profile_host(d)), None)
    about = html_to_text(_string(org.get("description")))
    address = _address(_resolve(org.get("address"), ids))
    email = _string(org.get("email"))
    profile = "\n".join(part for part in (name, *links, email, address, about) if part)
    return name, domain, profile


def _locations(value: Any, ids: dict[str, dict[str, Any]]) -> str:
    places: list[str] = []
    for item in _as_list(value):
        place = _resolve(item, ids)
        if isinstance(place, str):
            text = _clean_inline(place)
        elif isinstance(place, dict):
            text = _address(_resolve(place.get("address"), ids)) or _clean_inline(
                _string(place.get("name"))
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
        name = _clean_inline(place if isinstance(place, str) else _string(_get(place, "name")))
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def _address(value: Any) -> str:
    if isinstance(value, str):
        return _clean_inline(value)
    if not isinstance(value, dict):
        return ""
    parts: list[str] = []
    for key in ("addressLocality", "addressRegion", "addressCountry"):
        item = _first(value.get(key))
        text = _clean_inline(item if isinstance(item, str) else _string(_get(item, "name")))
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
    currency = _string(value.get("currency")).strip().upper()
    inner = _first(value.get("value"))
    unit = _string(value.get("unitText"))
    if isinstance(inner, dict):
        unit = _string(inner.get("unitText")) or unit
        low = _number(inner.get("minValue"))
        high = _number(inner.get("maxValue"))
        single = _number(inner.get("value"))
    else:
        low = _number(value.get("minValue"))
        high = _number(value.get("maxValue"))
        single = _number(inner)
    low = low if low is not None else single
    high = high if high is not None else (single if single is not None else low)
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
    text = _string(value).strip()
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
    return _string(value).strip()


# -- JSON and plain text ---------------------------------------------------------------------


def _from_json(page_url: str, text: str) -> ExtractedPosting:
    parsed = _loads(text)
    nodes = list(_walk(parsed)) if parsed is not None else []
    job = next((node for node in nodes if _is_type(node, "JobPosting")), None)
    if job is not None:
        ids = _id_index(nodes)
        return _from_job_posting(page_url, job, ids, None)
    # Some other JSON document: its string values are the best text there is.
    strings = list(_json_strings(parsed)) if parsed is not None else [text]
    title = ""
    if isinstance(parsed, dict):
        title = _clean_inline(_string(parsed.get("title")) or _string(parsed.get("name")))
    body = html_to_text("\n".join(strings)) if strings else ""
    posting = _posting_from_text(page_url, title=title, company="", text=body, language=None)
    return ExtractedPosting(posting, "", "text")


def _json_strings(root: Any) -> Iterator[str]:
    stack: list[Any] = [root]
    total = 0
    while stack and total < MAX_DESCRIPTION_CHARS:
        item = stack.pop()
        if isinstance(item, str) and item.strip():
            total += len(item)
            yield item
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))


def _from_text(page_url: str, text: str) -> ExtractedPosting:
    body = text.replace("\r\n", "\n").strip()[:MAX_DESCRIPTION_CHARS]
    posting = _posting_from_text(page_url, title="", company="", text=body, language=None)
    return ExtractedPosting(posting, "", "text")


def _posting_from_text(
    url: str, *, title: str, company: str, text: str, language: str | None
) -> Posting:
    title = (title or _first_line(text))[:MAX_TITLE_CHARS]
    return Posting(
        source=SOURCE,
        native_id=_native_id(url, text),
        url=url,
        title=title,
        company=company,
        location="",
        remote=detect_remote("", text, title=title),
        pay=parse_pay(text),
        description=text,
        language=language or detect_language(f"{title}\n{text}"),
    )


# -- small helpers ---------------------------------------------------------------------------


def _native_id(url: str, text: str) -> str:
    if url:
        return canonical_url(url)
    return "text:" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _string(value: Any) -> str:
    """A JSON-LD text value: a string, a one-element list, or a `{"@value": ...}` object."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return value if isinstance(value, str) else ""


def _clean_inline(text: str) -> str:
    return _SPACES_RE.sub(" ", html.unescape(text)).strip()


def _fold_spaces(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip().casefold()


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip(" -•*#\t")
        if line:
            return line[:MAX_TITLE_CHARS]
    return ""


def _language_code(value: Any) -> str | None:
    text = _string(value) or (value if isinstance(value, str) else "")
    if isinstance(_first(value), dict):
        text = _string(_get(_first(value), "alternateName")) or text
    found = _LANG_RE.match(text.strip())
    return found.group(1).lower() if found else None


def _is_web_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


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
