"""`python -m bot poll --once [--json]`: poll every source once, print what is new.

Posting text reaches the terminal inert (`bot.terminal`): escape sequences, NUL and
right-to-left marks are shown escaped, not obeyed. Exit code 1 when every source failed, so
a script or a health check notices a poll that read nothing.
"""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.i18n import t
from bot.serialize import assessment_to_dict, posting_to_dict
from bot.terminal import inert, json_line

__all__ = ["poll_once"]


async def poll_once(settings: Settings, *, as_json: bool) -> int:
    from bot.app import build_app

    app = await build_app(settings)
    try:
        results = await asyncio.gather(
            *(
                app.poller.poll(source, interval_s=interval_s, force=True)
                for source, interval_s in app.sources
            )
        )
    finally:
        await app.aclose()
    language = settings.console.language
    for result in results:
        for posting in result.new_postings:
            if as_json:
                verdict = result.verdicts.get(posting.native_id)
                line = {**posting_to_dict(posting), **assessment_to_dict(verdict)}
                print(json_line(line))
            else:
                text = t(
                    "poll.posting",
                    language,
                    source=posting.source,
                    title=posting.title,
                    url=posting.url,
                )
                print(inert(text, one_line=True))
    failed = sum(1 for r in results if r.status.startswith("error"))
    if not as_json:
        print(
            t(
                "poll.summary",
                language,
                polled=t("poll.polled", language, count=len(results)),
                found=t("poll.found", language, count=sum(r.new for r in results)),
                failed=failed,
            )
        )
    return 1 if results and failed == len(results) else 0
