"""A job page's `<meta>` tags (OpenGraph, `description`, `author`) → a posting.

OpenGraph is what a page shared on social networks carries: `og:title`, `og:site_name` (the
employer, or the board) and `og:description`. They frame the page's main text, which still
holds the pay and the remote flag. A page without them is read the same way from its
`<title>` and main text, and said to be read as "text". The canonical link and `og:url`
give the address a saved page declares for itself.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from bot.links.extracted import MAX_TITLE_CHARS, ExtractedPosting, How
from bot.links.page_text import (
    clean_inline,
    first_line,
    fold_spaces,
    is_web_url,
    main_text,
    posting_from_text,
)


def meta_tags(tree: LexborHTMLParser) -> dict[str, str]:
    """`og:*`, `description`, `author` and similar, first occurrence wins, keys lower case."""
    found: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        content = attrs.get("content")
        if key and content:
            found.setdefault(key.strip().lower(), clean_inline(content))
    return found


def meta_title(tree: LexborHTMLParser, meta: dict[str, str]) -> str:
    """`og:title`, else the `<title>`, else the first `<h1>`; "" when the page has none."""
    if meta.get("og:title"):
        return meta["og:title"]
    for selector in ("title", "h1"):
        node = tree.css_first(selector)
        text = clean_inline(node.text(deep=True)) if node is not None else ""
        if text:
            return text[:MAX_TITLE_CHARS]
    return ""


def declared_url(tree: LexborHTMLParser, meta: dict[str, str]) -> str | None:
    """The address the page claims: its canonical link, else `og:url` (web addresses only)."""
    link = tree.css_first('link[rel="canonical"]')
    for candidate in (
        link.attributes.get("href") if link is not None else None,
        meta.get("og:url"),
    ):
        if candidate and is_web_url(candidate):
            return candidate.strip()
    return None


def from_meta_and_text(
    page_url: str,
    tree: LexborHTMLParser,
    meta: dict[str, str],
    *,
    language: str | None,
    declared: str | None,
) -> ExtractedPosting:
    """The page read from its meta tags and main text (`meta` from `meta_tags(tree)`).

    The meta description leads the text unless the text already says it. `language` is the
    page's `lang`; without one it is detected from the text.
    """
    text = main_text(tree)
    og_title = meta.get("og:title", "")
    og_description = meta.get("og:description", "")
    description_meta = og_description or meta.get("description", "")
    if description_meta and fold_spaces(description_meta) not in fold_spaces(text):
        text = f"{description_meta}\n\n{text}".strip()
    how: How = "opengraph" if og_title or og_description else "text"
    title = og_title or meta_title(tree, meta) or first_line(text)
    company = meta.get("og:site_name", "")
    url = page_url or declared or ""
    profile = "\n".join(part for part in (company, meta.get("author", "")) if part)
    posting = posting_from_text(url, title=title, company=company, text=text, language=language)
    return ExtractedPosting(posting, profile, how, declared)
