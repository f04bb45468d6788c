"""Links written in a text, as the scam checks read them: full URLs, `www.` addresses, and
bare domains ("Apúntate aquí: mercadona.vacantes.ovh", "apply at outlier-jobs.net/apply").

Scam messages often write an address without its scheme, so that chat apps still show it and
filters that look for "http" pass it by. A bare domain counts only when its ending is a public
suffix (`bot.scam.link_parts`, the Public Suffix List bundled with tldextract) and not a file
name's ("setup.py", "README.md" and "install.sh" end in country codes).
"""

from __future__ import annotations

import re

import re2

from bot.scam.link_parts import parse_link

__all__ = ["MAX_TEXT_LINKS", "link_key", "text_links"]

#: The most links of one text that are checked: a posting's signals are in its first few.
MAX_TEXT_LINKS = 5
_URL = re.compile(r"(?:https?://|\bwww\.)[^\s<>()\"']+", re.IGNORECASE)
#: A cheap first look: most texts have no letter or digit, dot, then letters.
_MAYBE_BARE = re.compile(r"[a-z0-9]\.[a-z]{2}", re.IGNORECASE)
#: RE2 (linear time, no look-around): what comes before and after is checked in Python.
_BARE = re2.compile(
    r"(?i)((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(/[^\s<>()\"']*)?"
)
_NOT_BEFORE = frozenset("@./:-_")
#: Country-code endings that are far more often file extensions in a posting.
_FILE_ENDINGS = frozenset(
    {"py", "md", "sh", "pl", "rs", "cc", "zip", "mov", "so", "ps", "cs", "rb", "pm", "js"}
)
_TRAILING = ".,;:!?"


def text_links(text: str) -> list[str]:
    """The distinct links of `text` (by `link_key`) in the order written, at most
    `MAX_TEXT_LINKS + 1`; bare domains as `http://` URLs."""
    found: list[str] = []
    seen: set[str] = set()

    def add(url: str) -> None:
        key = link_key(url)
        if key not in seen:
            seen.add(key)
            found.append(url)

    if "http" in text or "www." in text:
        for raw in _URL.findall(text):
            add(raw.rstrip(_TRAILING))
    if _MAYBE_BARE.search(text):
        for match in _BARE.finditer(text):
            if len(found) > MAX_TEXT_LINKS:
                break
            start, end = match.span()
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if before.isalnum() or before in _NOT_BEFORE or after.isalnum() or after in "@-_":
                continue
            host, path = match.group(1), (match.group(2) or "").rstrip(_TRAILING)
            if host.lower().startswith("www.") or not _is_domain(host):
                continue
            add(f"http://{host}{path}")
    return found[: MAX_TEXT_LINKS + 1]


def link_key(url: str) -> str:
    """A link as two spellings of it share: no scheme, no case, no closing slash."""
    return url.lower().removeprefix("http://").removeprefix("https://").rstrip("/")


def _is_domain(host: str) -> bool:
    ending = host.rsplit(".", 1)[-1].lower()
    if ending in _FILE_ENDINGS or (host[0].isdigit() and host.replace(".", "").isdigit()):
        return False
    link = parse_link(f"http://{host}")
    return link is not None and bool(link.suffix) and bool(link.registered)
