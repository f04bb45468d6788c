"""A job page (HTML, JSON or text) → a `Posting`, for the "is this legit?" check.

This is the front door: it decodes the body, tells HTML from JSON from text, and asks the
readers in turn, best first:

1. schema.org `JobPosting` in JSON-LD (`bot.links.jsonld`): it names the employer, the pay and the
   remote flag outright;
2. OpenGraph and other meta tags plus the page's main text (`bot.links.opengraph`);
3. the main text alone (`bot.links.page_text`), and, for a plain-text body, the whole body.

A JSON-LD posting that lacks a title, a description or a language has the gap filled from
the meta tags and the main text. Pages are hostile and often broken; nothing here raises on
input. Pure: bytes in, posting out.
"""

from __future__ import annotations

import re
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser

from bot.links.extracted import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, ExtractedPosting, How
from bot.links.jsonld import (
    json_ld_blocks,
    language_code,
    loads,
    read_job_posting,
    text_value,
    walk,
)
from bot.links.opengraph import declared_url, from_meta_and_text, meta_tags, meta_title
from bot.links.page_text import (
    clean_inline,
    from_plain_text,
    json_strings,
    main_text,
    posting_from_text,
)
from bot.postings.build import bounded_posting
from bot.postings.language import detect_language
from bot.postings.normalize import MAX_URL_CHARS, html_to_text

__all__ = [
    "MAX_DESCRIPTION_CHARS",
    "MAX_TITLE_CHARS",
    "ExtractedPosting",
    "How",
    "extract_posting",
]

_JSON_TYPES = frozenset({"application/json", "application/ld+json"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def extract_posting(
    page_url: str, body: bytes, content_type: str, *, charset: str | None = None
) -> ExtractedPosting:
    """Read the posting a page carries. `page_url` is where it was fetched from ("" for a
    saved file: then the page's own declared address is used, when it gives one). Every
    field is within the caps postings from sources have (`bounded_posting`)."""
    extracted = _extract(page_url, body, content_type, charset)
    declared = extracted.declared_url
    return replace(
        extracted,
        posting=bounded_posting(extracted.posting),
        declared_url=declared if declared is None or len(declared) <= MAX_URL_CHARS else None,
    )


def _extract(
    page_url: str, body: bytes, content_type: str, charset: str | None
) -> ExtractedPosting:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not charset:
        charset = _charset_param(content_type)
    text = _decode(body, charset, sniff_meta=media_type not in _JSON_TYPES)
    if media_type in _JSON_TYPES or (not media_type and text.lstrip()[:1] in {"{", "["}):
        return _from_json(page_url, text)
    if media_type in _HTML_TYPES or (not media_type and text.lstrip()[:1] == "<"):
        return _from_html(page_url, text)
    return from_plain_text(page_url, text)


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


# -- choosing a reader -----------------------------------------------------------------------


def _from_html(page_url: str, markup: str) -> ExtractedPosting:
    tree = LexborHTMLParser(markup)
    meta = meta_tags(tree)
    html_node = tree.css_first("html")
    html_lang = language_code(html_node.attributes.get("lang") if html_node is not None else None)
    declared = declared_url(tree, meta)
    nodes = [node for block in json_ld_blocks(tree) for node in walk(block)]
    extracted = read_job_posting(page_url, nodes, declared)
    if extracted is None:
        return from_meta_and_text(page_url, tree, meta, language=html_lang, declared=declared)
    posting = extracted.posting
    if not posting.title or not posting.description or not posting.language:
        fallback_title = meta_title(tree, meta)
        fallback_text = posting.description or main_text(tree)
        posting = replace(
            posting,
            title=posting.title or fallback_title,
            description=fallback_text,
            language=posting.language
            or html_lang
            or detect_language(f"{posting.title}\n{fallback_text}"),
        )
    return ExtractedPosting(posting, extracted.company_profile, "jsonld", extracted.declared_url)


def _from_json(page_url: str, text: str) -> ExtractedPosting:
    parsed = loads(text)
    nodes = list(walk(parsed)) if parsed is not None else []
    extracted = read_job_posting(page_url, nodes, None)
    if extracted is not None:
        return extracted
    # Some other JSON document: its string values are the best text there is.
    strings = list(json_strings(parsed)) if parsed is not None else [text]
    title = ""
    if isinstance(parsed, dict):
        title = clean_inline(text_value(parsed.get("title")) or text_value(parsed.get("name")))
    body = html_to_text("\n".join(strings)) if strings else ""
    posting = posting_from_text(page_url, title=title, company="", text=body, language=None)
    return ExtractedPosting(posting, "", "text")
