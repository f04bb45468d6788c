"""Pure text helpers that turn what job sources send into what the core compares.

Every source sends descriptions as HTML (Greenhouse even entity-encodes it once more), states
pay as free text in English or Spanish, hides the remote flag in a location string and never
says which language the posting is in. These functions recover that, without I/O, so each
adapter stays a thin field mapping and the rules are tested once here. Pay parsing lives in
`bot.postings.pay` and is re-exported here; a posting's language is `bot.postings.language`'s.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.postings.pay import parse_amount, parse_pay, period_from_text

__all__ = [
    "MAX_DESCRIPTION_CHARS",
    "MAX_FIELD_CHARS",
    "MAX_HOST_CHARS",
    "MAX_ID_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "canonical_url",
    "clean_field",
    "clean_text",
    "detect_remote",
    "html_to_text",
    "names_remote",
    "parse_amount",
    "parse_pay",
    "period_from_text",
    "unescape",
]

# -- HTML to text ----------------------------------------------------------------------------

#: Elements whose end is a paragraph break (a blank line) in the plain text.
_PARAGRAPH_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "main", "blockquote",
        "pre", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "form",
        "figure", "address", "details", "summary", "fieldset",
    }
)  # fmt: skip
#: Elements whose end is a line break.
_LINE_TAGS = frozenset({"tr", "dt", "dd", "br", "caption", "figcaption"})
#: Elements whose content a reader never sees.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})
#: Entity-encoded markup left after one unescape, e.g. Greenhouse's documented double encoding.
_ENCODED_TAG_RE = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^&]{0,500})?/?&gt;")
_SPACES_RE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
_PARAGRAPH = "\x00P"
_LINE = "\x00L"


def html_to_text(markup: str, *, entity_encoded: bool = False) -> str:
    """Plain text a person would read from `markup`: no tags, no entities, tidy whitespace.

    Paragraph-like elements end with a blank line, list items and `<br>` with a line break,
    and list items start with "- " so lists still read as lists in a chat message.
    `entity_encoded=True` is for payloads that escape their HTML (Greenhouse `content`):
    it is unescaped once first, and once more only if escaped tags remain (the documented
    Greenhouse example is escaped twice), so literal text such as "a < b" survives.
    """
    if not markup:
        return ""
    if entity_encoded:
        markup = unescape(markup)
        if _ENCODED_TAG_RE.search(markup):
            markup = unescape(markup)
    tree = LexborHTMLParser(markup)
    root = tree.body
    if root is None:
        return ""
    pieces: list[str] = []
    emit = pieces.append
    # An explicit stack instead of recursion: deeply nested markup must not overflow.
    # Local names and one lookup per node: this loop was a third of reading a posting.
    stack: list[LexborNode | str] = [root]
    push, pop, extend = stack.append, stack.pop, stack.extend
    paragraph_tags, line_tags, hidden_tags = _PARAGRAPH_TAGS, _LINE_TAGS, _HIDDEN_TAGS
    while stack:
        item = pop()
        if item.__class__ is str:
            emit(item)
            continue
        node: LexborNode = item  # type: ignore[assignment]
        tag = node.tag
        if tag == "-text":
            emit(node.text(deep=False) or "")
            continue
        if tag is None or tag in hidden_tags or tag[0] == "-":
            continue  # comments and other non-element nodes
        if tag == "br":
            emit(_LINE)
            continue
        if tag in paragraph_tags:
            emit(_PARAGRAPH)
            push(_PARAGRAPH)
        elif tag == "li":  # the next item's (or the list's) own break ends this one
            emit(_LINE + "- ")
        elif tag in line_tags:
            push(_LINE)
        elif tag == "td" or tag == "th":
            emit(" ")
        children = list(node.iter(include_text=True))
        children.reverse()
        extend(children)
    return _tidy("".join(pieces))


#: The entities an entity-encoded payload is made of, "&amp;" last (see `unescape`).
_MARKUP_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&"))


def unescape(text: str) -> str:
    """`html.unescape(text)`, without its Python call per entity when every "&" of the text
    starts one of `_MARKUP_ENTITIES` (Greenhouse's encoded markup is an entity every few
    characters: three quarters of unescaping it).

    Then each is replaced as `html.unescape` reads it, in one pass: the entities do not
    overlap (each starts at its own "&"), and "&amp;" goes last, so the "&" it leaves never
    starts another replacement ("&amp;lt;" is "&lt;", as there)."""
    if text.count("&") != sum(text.count(entity) for entity, _ in _MARKUP_ENTITIES):
        return html.unescape(text)
    for entity, character in _MARKUP_ENTITIES:
        text = text.replace(entity, character)
    return text


def _tidy(raw: str) -> str:
    """Collapse whitespace runs, turn the break markers into newlines, trim every line."""
    text = raw.replace("\r", " ").replace("\n", " ").replace("\xa0", " ")
    text = text.replace(_PARAGRAPH, "\n\n").replace(_LINE, "\n")
    text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES_RE.sub("\n\n", text)
    return text.strip()


# -- hostile text ----------------------------------------------------------------------------

#: The longest a field of a real posting gets; anything longer is cut, so one hostile item
#: cannot make every later step (pay, language, scam rules, rendering) slow.
MAX_TITLE_CHARS = 300
MAX_FIELD_CHARS = 200
MAX_DESCRIPTION_CHARS = 100_000
#: The longest link that works everywhere (browsers, the Sitemaps protocol, link previews): a
#: posting link, or a link someone asks about, longer than this is no job page's.
MAX_URL_CHARS = 2048
#: The longest host name DNS allows (RFC 1035).
MAX_HOST_CHARS = 253
#: A payload's own id for a posting; ATS ids are short numbers, slugs or UUIDs.
MAX_ID_CHARS = 200
#: Characters a reader never sees but that change what text compares as: controls (NUL, ESC
#: for terminal escapes), bidirectional overrides ("gpj.exe" shown as "exe.jpg"), zero-width
#: spaces and joiners that split "What​sApp" away from a rule, soft hyphens, the BOM. The
#: zero-width joiner stays: emoji sequences need it.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def clean_text(text: str, max_chars: int = MAX_DESCRIPTION_CHARS) -> str:
    """Text as a person reads it: NFC-composed, without invisible and control characters
    (newlines and tabs stay), at most `max_chars` long."""
    text = text[: max_chars * 2]
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    return text[:max_chars]


def clean_field(text: str, max_chars: int = MAX_FIELD_CHARS) -> str:
    """A one-line field (title, company, place): `clean_text`, whitespace runs as one space."""
    return " ".join(clean_text(text, max_chars * 2).split())[:max_chars]


# -- canonical URLs --------------------------------------------------------------------------

#: Query parameters that only track where a click came from; two URLs that differ only in
#: these are the same job. `gh_jid` (Greenhouse's job id on a careers site) is NOT one.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid",
        "ref", "ref_src", "referrer", "source", "src", "trk", "trkcampaign", "_hsenc", "_hsmi",
        "lever-source", "lever-origin", "lever-via", "gh_src", "ashby_jid_src",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "lever-source[")


def canonical_url(url: str) -> str:
    """`url` without its fragment and tracking parameters, with a lower-case scheme and host.

    The remaining query keeps its order, so the result is stable for the same job link.
    """
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    netloc = parts.netloc.lower()
    if parts.scheme.lower() == "https" and netloc.endswith(":443"):
        netloc = netloc[:-4]
    elif parts.scheme.lower() == "http" and netloc.endswith(":80"):
        netloc = netloc[:-3]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


# -- remote ----------------------------------------------------------------------------------

#: In a location or a title, any of these means the job is remote ("Remote - LATAM").
_REMOTE_LABEL_RE = re.compile(
    r"\b(?:remote|remotely|remoto|remota|anywhere|work[- ]from[- ]home|wfh|teletrabajo|"
    r"home[- ]?office|desde casa|a distancia|distributed|worldwide|telecommute|telecommuting)\b",
    re.IGNORECASE,
)
#: In a description only phrases about the job itself count: "remote sensing", "distributed
#: systems" and "customers worldwide" say nothing about where the work is done.
_REMOTE_PHRASE_RE = re.compile(
    r"\b(?:(?:fully|100\s?%|completely)\s+remote|remote[- ](?:first|friendly|only)|"
    r"remote\s+(?:work|working|position|role|job|opportunity|contract|contractor|team)\b|"
    r"work(?:ing)?\s+remotely|work\s+from\s+(?:home|anywhere)|wfh|telecommut\w*|"
    r"(?:position|role|job)\s+is\s+(?:fully\s+)?remote|"
    r"(?:trabajo|puesto|empleo|modalidad|posici[oó]n)\s+(?:100\s?%\s+)?remot[oa]|"
    r"100\s?%\s+remot[oa]|en\s+remoto|de\s+forma\s+remota|teletrabajo|desde\s+casa|"
    r"trabajo\s+a\s+distancia)",
    re.IGNORECASE,
)
_NOT_REMOTE_RE = re.compile(
    r"\b(?:(?:not|no|non)[- ]remote|on[- ]?site only|in[- ]office only|no es remoto|"
    r"100\s?% presencial|solo presencial|(?:únicamente|unicamente) presencial)\b",
    re.IGNORECASE,
)
_ONSITE_LABEL_RE = re.compile(
    r"\b(?:on[- ]?site|in[- ]office|hybrid|h[ií]brido|presencial|office[- ]based)\b", re.IGNORECASE
)


def names_remote(label: str) -> bool:
    """Whether a location or title already says the work is remote, in either language
    ("Remote - LATAM", "Remoto", "Anywhere"), so a card need not say it again."""
    return bool(_REMOTE_LABEL_RE.search(label))


def detect_remote(
    location: str | None, text: str | None = None, *, title: str | None = None
) -> bool | None:
    """Whether the job is remote: from its location, then its title, then its description.

    True when the location or title names remote work ("Remote - LATAM", "Remoto",
    "Anywhere") or the description says so in a phrase about the job ("work from home",
    "fully remote", "teletrabajo"); False when they say it is not ("on-site", "hybrid",
    "presencial", "not remote"); None when nothing tells, so a filter can treat "unknown"
    differently from "no".
    """
    for value, is_label in ((location, True), (title, True), (text, False)):
        if not value:
            continue
        if _NOT_REMOTE_RE.search(value):
            return False
        remote_re = _REMOTE_LABEL_RE if is_label else _REMOTE_PHRASE_RE
        if remote_re.search(value):
            return True
        if is_label and _ONSITE_LABEL_RE.search(value):
            return False
    return None
