"""The last resort for a job page: its readable text, and a posting read from text alone.

When a page carries neither schema.org JSON-LD nor OpenGraph tags, or is plain text or a JSON
document of some other shape, the words are all there is: the title is the first line, pay
and the remote flag are read from the text. The other readers lean on the same pieces (the
main text without page chrome, the text cleaning, the posting id), so they live here.
Pure: text in, posting out; nothing here raises on input.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from bot.links.extracted import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, SOURCE, ExtractedPosting
from bot.models import Posting
from bot.postings.language import detect_language
from bot.postings.normalize import (
    canonical_url,
    detect_remote,
    html_to_text,
    parse_pay,
)

#: Markup read for the main text. Pages run at about 3–10 characters of markup per character
#: of text, so this still fills a capped description, and keeps a 2 MB page to a few tens of ms.
MAX_MAIN_MARKUP_CHARS = 10 * MAX_DESCRIPTION_CHARS
#: Page chrome whose words are not the posting's (menus, cookie banners, site footers).
_CHROME_SELECTOR = "nav, header, footer, aside, script, style, noscript, template, svg"
_SPACES_RE = re.compile(r"\s+")


def main_text(tree: LexborHTMLParser) -> str:
    """The text a reader sees in the page's main content, without menus and footers.

    The page chrome is removed from `tree` itself, so read anything that may sit in it (a
    title in the header) before calling this.
    """
    root = tree.css_first('main, article, [role="main"]') or tree.body
    if root is None:
        return ""
    for node in root.css(_CHROME_SELECTOR):
        node.decompose()
    # The text walk is Python-speed: read only as much markup as can yield the capped text.
    markup = (root.html or "")[:MAX_MAIN_MARKUP_CHARS]
    return html_to_text(markup)[:MAX_DESCRIPTION_CHARS]


def from_plain_text(page_url: str, text: str) -> ExtractedPosting:
    """A plain-text body (a pasted recruiter message, a `.txt` page) as a posting."""
    body = text.replace("\r\n", "\n").strip()[:MAX_DESCRIPTION_CHARS]
    posting = posting_from_text(page_url, title="", company="", text=body, language=None)
    return ExtractedPosting(posting, "", "text")


def json_strings(root: Any) -> Iterator[str]:
    """The non-blank strings of a JSON document in reading order, up to a description's worth:
    for a JSON page that is not a `JobPosting`, they are the best text there is."""
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


def posting_from_text(
    url: str, *, title: str, company: str, text: str, language: str | None
) -> Posting:
    """A posting whose pay, remote flag and language are all read from `text`."""
    title = (title or first_line(text))[:MAX_TITLE_CHARS]
    return Posting(
        source=SOURCE,
        native_id=native_id(url, text),
        url=url,
        title=title,
        company=company,
        location="",
        remote=detect_remote("", text, title=title),
        pay=parse_pay(text),
        description=text,
        language=language or detect_language(f"{title}\n{text}"),
    )


def native_id(url: str, text: str) -> str:
    """The page's canonical address; for a page with none, a hash of its text."""
    if url:
        return canonical_url(url)
    return "text:" + hashlib.sha256(text.encode()).hexdigest()[:24]


def clean_inline(text: str) -> str:
    """One line of text: entities decoded, runs of whitespace folded to one space."""
    return _SPACES_RE.sub(" ", html.unescape(text)).strip()


def fold_spaces(text: str) -> str:
    """`text` for comparing: whitespace folded, case folded."""
    return _SPACES_RE.sub(" ", text).strip().casefold()


def first_line(text: str) -> str:
    """The first line with words in it, without list bullets: a title of last resort."""
    for line in text.splitlines():
        line = line.strip(" -•*#\t")
        if line:
            return line[:MAX_TITLE_CHARS]
    return ""


def is_web_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))
