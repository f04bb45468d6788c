"""`python -m bot check URL_OR_FILE`: "is this legit?" from the command line."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Literal, TextIO

from bot.config import Settings
from bot.delivery.render_text import card_to_text
from bot.i18n import t
from bot.links.checker import MAX_DOCUMENT_BYTES, SCHEME_RE, LegitChecker
from bot.links.report import report_card, report_to_dict
from bot.suffixes import PUBLIC_SUFFIXES

__all__ = [
    "check",
    "classify_target",
    "looks_like_domain",
    "read_message",
    "run_check_command",
]

# The bundled public-suffix snapshot only: deciding whether "jobs.html" is a domain must
# never download anything.
_DOMAINS = PUBLIC_SUFFIXES


async def run_check_command(
    target: str,
    *,
    as_json: bool,
    language: str,
    checker: LegitChecker,
    out: TextIO,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """`python -m bot check URL_OR_FILE`: 0 with a verdict (whatever it is), 2 when the target
    is neither a readable file nor a link. `-` reads a pasted message from standard input."""
    err = err if err is not None else sys.stderr
    kind, subject = classify_target(target)
    try:
        if kind == "stdin":
            report = checker.check_text(read_message(stdin if stdin is not None else sys.stdin))
        elif kind == "url":
            report = await checker.check_url(subject)
        elif kind == "file":
            report = checker.check_document(subject)
        else:
            print(t("linkcheck.cli.not_found", language, target=target), file=err)
            return 2
    except OSError as error:
        reason = error.strerror or str(error)
        print(t("linkcheck.cli.unreadable", language, target=target, error=reason), file=err)
        return 2
    if as_json:
        out.write(json.dumps(report_to_dict(report, language), ensure_ascii=False) + "\n")
    else:
        out.write(card_to_text(report_card(report, language)) + "\n")
    return 0


def read_message(stream: TextIO) -> str:
    """A pasted message from `stream`, cut where a saved page would be: a message is at most
    a few pages long, and a pipe left open must not fill the memory."""
    return stream.read(MAX_DOCUMENT_BYTES)


def classify_target(target: str) -> tuple[Literal["url", "file", "stdin", "unknown"], str]:
    """What the CLI was given: `-` (a message on standard input), a link with a scheme, an
    existing file, a bare domain, or nothing it can use. An existing file wins over a name
    that merely looks like a domain."""
    stripped = target.strip()
    if stripped == "-":
        return "stdin", stripped
    try:
        is_file = Path(stripped).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL in it
        is_file = False
    if SCHEME_RE.match(stripped) and not is_file:
        return "url", stripped
    if is_file:
        return "file", stripped
    if looks_like_domain(stripped):
        return "url", stripped
    return "unknown", stripped


def looks_like_domain(target: str) -> bool:
    """True for `example.com/jobs/1` or `www.x.org`: a host with a public suffix."""
    host = re.split(r"[/?#:]", target.strip(), maxsplit=1)[0]
    if not host or " " in target.strip():
        return False
    parts = _DOMAINS(host)
    return bool(parts.domain and parts.suffix)


async def check(settings: Settings, target: str, *, as_json: bool, language: str | None) -> int:
    from bot.app import build_app

    app = await build_app(settings)
    try:
        return await run_check_command(
            target,
            as_json=as_json,
            language=language or settings.console.language,
            checker=app.linkchecker,
            out=sys.stdout,
        )
    finally:
        await app.aclose()
