"""Inline mode: `@bot <link or text>` in any chat offers the verdict as a result to send there.

A scam reaches people in groups the bot is not in; inline mode brings the check to them. The
query runs through the same `Services.checks.legit_message` as a private message: the safe
fetcher, the per-person limit, the link cache, one card for several links. Telegram drops an
inline query that is not answered within a few seconds (it is not documented; bots meet about
10 s), so a page that is not read within `telegram.inline_page_timeout_s` is judged from its
link alone and the card says so; its reading goes on and fills the cache for the next ask.

The result is the card itself (HTML and buttons, as a private answer draws it), in the
language of the person asking; an empty or too short query answers with no result and a
translated hint button instead, which Telegram shows above the (empty) list.
"""

from __future__ import annotations

import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import InlineQueryHandler

from adapters.chat.telegram_chat import NO_PREVIEW, Context, TelegramApplication, tg, user_key
from adapters.chat.telegram_render import clip, render_card
from bot.delivery.render import risk_badge
from bot.i18n import normalize_language
from bot.services import LegitResult, Services, find_links
from bot.services.ratelimit import TooManyRequests

log = logging.getLogger("vigia.telegram")

#: The most links of one inline query that are checked (as in a private message).
MAX_LINKS = 5
#: A query shorter than this, with no link, is still being typed: it gets the hint, and does
#: not count against the person's limit.
MIN_TEXT_CHARS = 12
#: What `/start <parameter>` the hint button opens in the private chat with the bot.
HELP_START_PARAMETER = "inline_help"
#: How long Telegram may keep a result for the same query of the same person. A verdict
#: that rests on a link whose page was too slow is not kept, so asking again gets the page's.
RESULT_CACHE_S = 300
#: Telegram's limits on what a result shows in the list.
_TITLE_MAX = 120
_DESCRIPTION_MAX = 200


class InlineChecks:
    """Answers inline queries with a verdict card the person can send."""

    def __init__(self, services: Services, *, page_timeout_s: float) -> None:
        self.services = services
        self.page_timeout_s = page_timeout_s

    def register(self, app: TelegramApplication) -> None:
        app.add_handler(InlineQueryHandler(self.on_inline_query))

    async def on_inline_query(self, update: Update, context: Context) -> None:
        query = update.inline_query
        if query is None:
            return
        language = normalize_language(query.from_user.language_code)
        text = query.query.strip()
        if not find_links(text) and len(text) < MIN_TEXT_CHARS:
            await self._hint(update, tg("inline.hint", language), cache_time=RESULT_CACHE_S)
            return
        try:
            result = await self.services.checks.legit_message(
                text,
                language=language,
                max_links=MAX_LINKS,
                requester=user_key(query.from_user.id),
                deadline_s=self.page_timeout_s,
            )
        except TooManyRequests as exc:
            too_many = tg("inline.too_many", language, seconds=exc.params["seconds"])
            await self._hint(update, too_many, cache_time=0)
            return
        try:
            await query.answer(
                [verdict_result(result, language)],
                cache_time=RESULT_CACHE_S if _all_read(result) else 0,
                is_personal=True,
            )
        except BadRequest as exc:  # answered too late: the person has moved on
            log.info("inline query %s not answered: %s", query.id, exc.message)

    async def _hint(self, update: Update, text: str, *, cache_time: int) -> None:
        """No result, and a button above the empty list saying what to type (or when to try
        again); tapping it opens the private chat with the bot's help."""
        query = update.inline_query
        assert query is not None  # checked by the caller
        button = InlineQueryResultsButton(text=clip(text, 64), start_parameter=HELP_START_PARAMETER)
        try:
            await query.answer([], button=button, cache_time=cache_time, is_personal=True)
        except BadRequest as exc:
            log.info("inline query %s not answered: %s", query.id, exc.message)


def verdict_result(result: LegitResult, language: str) -> InlineQueryResultArticle:
    """The card as an inline result: its title and risk in the list, the card itself (HTML
    and buttons) as the message sent."""
    drawn = render_card(result.card)
    description = f"{risk_badge(result.verdict, language)} · {result.card.description}"
    return InlineQueryResultArticle(
        id=str(result.check_id),
        title=clip(result.card.title, _TITLE_MAX),
        description=clip(description, _DESCRIPTION_MAX),
        input_message_content=InputTextMessageContent(
            drawn.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
        reply_markup=drawn.keyboard,
    )


def _all_read(result: LegitResult) -> bool:
    """Whether every link's page was read (else the answer should not be cached)."""
    parts = result.parts or (result,)
    return all(part.fetched for part in parts if part.url)
