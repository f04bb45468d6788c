"""Pure text helpers that turn what job sources send into what the core compares.

Every source sends descriptions as HTML (Greenhouse even entity-encodes it once more), states
pay as free text in English or Spanish, hides the remote flag in a location string and never
says which language the posting is in. These functions recover that, without I/O and without
heavy models, so each adapter stays a thin field mapping and the rules are tested once here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.models import Pay, PayPeriod

__all__ = [
    "canonical_url",
    "detect_language",
    "detect_remote",
    "html_to_text",
    "parse_amount",
    "parse_pay",
    "period_from_text",
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
        markup = html.unescape(markup)
        if _ENCODED_TAG_RE.search(markup):
            markup = html.unescape(markup)
    tree = LexborHTMLParser(markup)
    root = tree.body
    if root is None:
        return ""
    pieces: list[str] = []
    # An explicit stack instead of recursion: deeply nested markup must not overflow.
    stack: list[LexborNode | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        tag = item.tag
        if tag == "-text":
            pieces.append(item.text(deep=False) or "")
            continue
        if tag is None or tag in _HIDDEN_TAGS or tag.startswith("-"):
            continue  # comments and other non-element nodes
        if tag == "br":
            pieces.append(_LINE)
            continue
        if tag == "li":  # the next item's (or the list's) own break ends this one
            pieces.append(_LINE + "- ")
        elif tag in _PARAGRAPH_TAGS:
            pieces.append(_PARAGRAPH)
        elif tag in {"td", "th"}:
            pieces.append(" ")
        if tag in _PARAGRAPH_TAGS:
            stack.append(_PARAGRAPH)
        elif tag in _LINE_TAGS:
            stack.append(_LINE)
        stack.extend(reversed(list(item.iter(include_text=True))))
    return _tidy("".join(pieces))


def _tidy(raw: str) -> str:
    """Collapse whitespace runs, turn the break markers into newlines, trim every line."""
    text = raw.replace("\r", " ").replace("\n", " ").replace("\xa0", " ")
    text = text.replace(_PARAGRAPH, "\n\n").replace(_LINE, "\n")
    text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES_RE.sub("\n\n", text)
    return text.strip()


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


# -- language --------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[a-zñáéíóúü]+")
#: Frequent function words of each language, minus the ones the other language shares
#: ("a", "no", "me", "es" are kept out of one side or both).
_EN_STOP_WORDS = (
    "the and of to in is are you your we our for with will be this that on as at from "
    "have has an or it by can who what which their they work job experience "
    "about would should must all not"
)
_ES_STOP_WORDS = (
    "el la los las de del que y en por para con una un es se su sus al lo como más "
    "nuestro nuestra nuestros tu usted ustedes trabajo experiencia somos buscamos "
    "tienes puedes estar ser sin sobre pero este esta también hasta desde"
)
_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_EN_STOP_WORDS.split()),
    "es": frozenset(_ES_STOP_WORDS.split()),
}


def detect_language(text: str, *, min_hits: int = 3) -> str | None:
    """ "en" or "es" by counting stop words; None when the text is too short to tell.

    A posting needs at least `min_hits` stop words and a clear winner (half again as many
    as the other language), so a bare title such as "AI Trainer - Spanish" gives None rather
    than a guess.
    """
    counts = dict.fromkeys(_STOP_WORDS, 0)
    for word in _WORD_RE.findall(text.casefold()):
        for language, words in _STOP_WORDS.items():
            if word in words:
                counts[language] += 1
    (best, best_count), (_, second_count) = sorted(
        counts.items(), key=lambda item: item[1], reverse=True
    )
    if best_count < min_hits or best_count < 1.5 * second_count:
        return None
    return best


# -- pay -------------------------------------------------------------------------------------

#: Currency words and symbols → ISO 4217. Longer spellings first so "US$" wins over "$".
_CURRENCY_TOKENS: dict[str, str] = {
    "us$": "USD", "usd": "USD", "u$s": "USD", "dólares": "USD", "dolares": "USD",
    "dólar": "USD", "dolar": "USD", "dollars": "USD", "dollar": "USD",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD",
    "r$": "BRL", "brl": "BRL", "mx$": "MXN", "mxn": "MXN", "cop": "COP", "ars": "ARS",
    "clp": "CLP", "pen": "PEN", "uyu": "UYU", "eur": "EUR", "euros": "EUR", "euro": "EUR",
    "€": "EUR", "gbp": "GBP", "£": "GBP", "chf": "CHF", "inr": "INR", "₹": "INR",
    "pesos mexicanos": "MXN", "pesos colombianos": "COP", "pesos argentinos": "ARS",
    "pesos chilenos": "CLP", "$": "USD",
}  # fmt: skip
_CURRENCY_RE = "|".join(
    re.escape(token) + (r"\b" if token[-1].isalpha() else "")
    for token in sorted(_CURRENCY_TOKENS, key=len, reverse=True)
)
_NUMBER_RE = r"\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT_RE = (
    rf"(?:(?P<@cur1>{_CURRENCY_RE})\s?(?:\$\s?)?)?(?P<@num>{_NUMBER_RE})"
    rf"(?:\s?(?P<@mult>k\b|mil\b|thousand\b))?"
    rf"(?:\s?(?P<@cur2>{_CURRENCY_RE}))?"
)
#: "$20/hr - $30/hr": a short "/unit" may sit between the two ends of a range.
_RANGE_SEPARATOR_RE = r"(?:\s?/\s?[a-záéíóúñ]{1,5}\.?)?\s*(?:-|–|—|to|a|y|hasta|and)\s*"
_PERIOD_WORDS: list[tuple[str, PayPeriod]] = [
    (r"hours?|hourly|hrs?|h|hora|horas", PayPeriod.HOUR),
    (r"days?|daily|d[ií]as?|diarios?|jornadas?", PayPeriod.DAY),
    (r"weeks?|weekly|wk|semanas?|semanal(?:es)?", PayPeriod.WEEK),
    (r"months?|monthly|mo|mes(?:es)?|mensual(?:es)?", PayPeriod.MONTH),
    (r"years?|yearly|annum|annually|annual|yr|a[ñn]os?|anual(?:es)?|p\.?\s?a\.?", PayPeriod.YEAR),
]
_PERIOD_AFTER_RE = re.compile(
    r"\s*(?:/|\bper\b|\ba\b|\ban\b|\bpor\b|\bal\b|\ba la\b|\bla\b|\bel\b|\beach\b|\bevery\b|"
    r"\bcada\b)?\s*(?:"
    + "|".join(f"(?P<p{i}>{words})" for i, (words, _) in enumerate(_PERIOD_WORDS))
    + r")(?![a-záéíóúñ])",
    re.IGNORECASE,
)
_PERIOD_BEFORE_RE = re.compile(
    r"\b(?:(?P<p0>hourly|per hour|por hora|pago por hora|tarifa por hora)|"
    r"(?P<p1>daily|per day|por d[ií]a|diario)|"
    r"(?P<p2>weekly|per week|semanal|por semana)|"
    r"(?P<p3>monthly|per month|mensual|por mes|al mes)|"
    r"(?P<p4>annual|yearly|per year|per annum|anual|al a[ñn]o|por a[ñn]o|base salary|"
    r"salary range|salario anual|sueldo anual))\b[^$€£\d]{0,30}$",
    re.IGNORECASE,
)
_PAY_RE = re.compile(
    rf"(?<![\w.,])(?:{_AMOUNT_RE.replace('@', 'a')})(?:{_RANGE_SEPARATOR_RE}"
    rf"(?:{_AMOUNT_RE.replace('@', 'b')}))?(?![\w])",
    re.IGNORECASE,
)
_NOT_PAY_AFTER_RE = re.compile(
    r"\s*(?:%|m\b|mm\b|b\b|bn\b|million|billion|millones|mil millones|years? of|a[ñn]os de|"
    r"hours? (?:a|per|por) week|horas)",
    re.IGNORECASE,
)
#: Amounts this large with no period stated are a yearly salary; smaller ones are left alone
#: (a bare "$50" is as likely a fee as pay, and the scam rules must not read it as pay).
_YEARLY_WITHOUT_PERIOD = 10_000.0


@dataclass(frozen=True, slots=True)
class _Candidate:
    min_amount: float
    max_amount: float
    currency: str
    period: PayPeriod | None


def parse_amount(number: str, multiplier: str | None = None) -> float | None:
    """A number as written in English or Spanish: "120,000", "1.500", "1.500,50", "25.5", "81k".

    One separator followed by exactly three digits is a thousands separator (both languages
    write "1,500"/"1.500" for fifteen hundred); otherwise it is the decimal mark.
    """
    digits = number.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not digits:
        return None
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif dots or commas:
        sep = "." if dots else ","
        head, _, tail = digits.rpartition(sep)
        if dots + commas > 1 or len(tail) == 3:
            digits = digits.replace(sep, "")
        else:
            digits = f"{head.replace(sep, '')}.{tail}"
    try:
        value = float(digits)
    except ValueError:
        return None
    if multiplier and multiplier.lower() in {"k", "mil", "thousand"}:
        value *= 1000
    return value


def period_from_text(text: str) -> PayPeriod | None:
    """The pay period a short label names ("1 YEAR", "per-hour-wage", "mensual"), if any."""
    for word in re.findall(r"[a-záéíóúñ]+", text.casefold()):
        for words, period in _PERIOD_WORDS:
            if re.fullmatch(words, word):
                return period
    return None


def _period_of(match: re.Match[str]) -> PayPeriod | None:
    for index, (_, period) in enumerate(_PERIOD_WORDS):
        if match.group(f"p{index}"):
            return period
    return None


def _currency(match: re.Match[str], *groups: str) -> str:
    """The most specific currency named: "MXN $15,000" and "$15.000 pesos mexicanos" are MXN.

    A bare "$" is read as USD only when nothing more specific is written next to it.
    """
    tokens = [token for group in groups if (token := match.group(group))]
    named = [token for token in tokens if token != "$"]
    return _CURRENCY_TOKENS[(named or tokens)[0].lower()] if tokens else ""


def _candidate(text: str, match: re.Match[str]) -> _Candidate | None:
    if _NOT_PAY_AFTER_RE.match(text, match.end()):
        return None
    low = parse_amount(match.group("anum"), match.group("amult"))
    high = parse_amount(match.group("bnum"), match.group("bmult")) if match.group("bnum") else low
    if low is None or high is None or low <= 0:
        return None
    if match.group("bmult") and not match.group("amult") and low < 1000 <= high:
        low *= 1000  # "$80-100k" means 80k to 100k
    currency = _currency(match, "acur1", "acur2", "bcur1", "bcur2")
    if not currency:
        return None  # "20-30 hours a week" is no pay; a currency is what makes it pay
    low, high = min(low, high), max(low, high)
    after = _PERIOD_AFTER_RE.match(text, match.end())
    period = _period_of(after) if after else None
    if period is None:
        before = _PERIOD_BEFORE_RE.search(text[max(0, match.start() - 60) : match.start()])
        period = _period_of(before) if before else None
    return _Candidate(low, high, currency, period)


def parse_pay(text: str) -> Pay | None:
    """The first pay range the text states, in English or Spanish, or None.

    Reads "$20-$40/hour", "USD 25 per hour", "$120,000 - $150,000 a year", "€18/h",
    "20 a 30 USD por hora", "1.500 € al mes", "$900 per week", "$81K – $87K". A figure needs
    a currency to count as pay, and a period (after it, or just before it as in "hourly rate:
    $20"), except amounts of 10,000 or more, which are read as yearly. Funding rounds
    ("$5M"), percentages and years of experience are not pay.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    fallback: _Candidate | None = None
    for match in _PAY_RE.finditer(text):
        found = _candidate(text, match)
        if found is None:
            continue
        if found.period is not None:
            return Pay(found.min_amount, found.max_amount, found.currency, found.period)
        if fallback is None and found.min_amount >= _YEARLY_WITHOUT_PERIOD:
            fallback = found
    if fallback is not None:
        return Pay(fallback.min_amount, fallback.max_amount, fallback.currency, PayPeriod.YEAR)
    return None
