"""The real bot against a Telegram Bot API emulator (npm `telegram-test-api` 4.2.1).

Every test runs the whole bot (store, scam checks, services, the PTB Application polling over
HTTP, the outbox drainer and the Telegram sender) and talks to it as a person would, through
the emulator's client routes. See tests/telegram_emulator.py for the gateway that smooths the
emulator's gaps and plays blocked users, upgraded groups and administrators.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from telegram import Update

from bot.models import ChatRef, Filter, Posting, RiskLevel
from bot.store import outbox as outbox_store
from bot.store import postings as postings_store
from bot.store import reports as reports_store
from bot.store import scripts as scripts_store
from tests.pipeline_helpers import store_postings
from tests.telegram_emulator import (  # noqa: F401  (fixtures)
    ALLOWED_TAGS,
    BOT_ID,
    BotMessage,
    EmulatorClient,
    TelegramGateway,
    TelegramHarness,
    TelegramHTML,
    emulator_client_fixture,
    free_port,
    group_chat,
    person,
    private_chat,
    running_bot,
    telegram_bot_fixture,
    telegram_emulator_fixture,
    telegram_gateway_fixture,
)

PAGES = Path(__file__).parent / "data" / "pages"
RECRUITER_MESSAGE = (PAGES / "recruiter_message.txt").read_text(encoding="utf-8")
OTHER_JOB = "https://boards.greenhouse.io/acme/jobs/2"


def visible(message: BotMessage) -> str:
    """What the reader sees; fails if the bot used markup beyond bold, italics and links."""
    parsed = TelegramHTML(message.text)
    assert set(parsed.tags) <= ALLOWED_TAGS, f"unexpected markup in {message.text!r}"
    return parsed.visible


def labels(message: BotMessage) -> list[str]:
    return [button["text"] for row in message.keyboard for button in row]


@pytest.fixture
async def scam_site() -> AsyncIterator[str]:
    """A scam job page on 127.0.0.1, the only place a link check may fetch from."""
    page = (PAGES / "scam.html").read_bytes()

    async def reviewer(_: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/reviewer", reviewer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/reviewer"
    finally:
        await runner.cleanup()


async def queue_alert(bot: TelegramHarness, chat: ChatRef, posting: Posting, language: str) -> int:
    """A new posting for a subscription, written the way the pipeline writes it."""
    subscription = await bot.services.subscriptions.subscribe(
        chat, Filter(max_risk=RiskLevel.SCAM), language=language
    )
    verdict = bot.app.checker.check(posting)
    [check_id] = await store_postings(bot.app.db, [posting], verdict, subscription)
    return check_id


def job(title: str = "AI Trainer (Spanish)", **extra: Any) -> Posting:
    fields: dict[str, Any] = {
        "source": "greenhouse:acme",
        "native_id": "1",
        "url": "https://boards.greenhouse.io/acme/jobs/1",
        "title": title,
        "company": "Acme AI",
        "location": "Madrid",
        "description": "Review and rate model answers in Spanish. Paid hourly.",
    }
    return Posting(**{**fields, **extra})


# -- "is this legit?" ------------------------------------------------------------------------


async def test_a_link_sent_in_private_is_answered_with_a_verdict_card(
    telegram_bot: TelegramHarness, scam_site: str
) -> None:
    ana = person(101, language_code="en")
    await telegram_bot.client.send_message(ana, private_chat(ana), scam_site)
    [card] = await telegram_bot.client.wait_for(101)
    assert card.parse_mode == "HTML"
    seen = visible(card)
    assert "🔴" in seen  # a fee, crypto top-ups and Telegram contact: a scam
    assert labels(card) == ["Open", "Why?", "Report as scam", "Looks fine"]
    assert card.button("Open")["url"] == scam_site


async def test_a_forwarded_recruiter_message_without_a_link_is_checked_as_text(
    telegram_bot: TelegramHarness,
) -> None:
    laura_victim = person(102, language_code="es")
    forwarded = {"type": "hidden_user", "sender_user_name": "Laura RRHH", "date": 1_800_000_000}
    await telegram_bot.client.send_message(
        laura_victim, private_chat(laura_victim), RECRUITER_MESSAGE, forward_origin=forwarded
    )
    [card] = await telegram_bot.client.wait_for(102)
    seen = visible(card)
    assert "🔴" in seen or "🟠" in seen
    assert "Open" not in labels(card) and "Abrir" not in labels(card)  # nothing to open
    assert len(labels(card)) == 3  # Why? / Report / Looks fine, in Spanish


async def test_a_flood_of_messages_gets_a_polite_wait_not_more_checks(
    telegram_bot: TelegramHarness,
) -> None:
    flooder = person(118, language_code="en")
    chat = private_chat(flooder)
    for _ in range(11):  # the default limit is 10 checks a minute
        await telegram_bot.client.send_message(flooder, chat, RECRUITER_MESSAGE)
    answers = await telegram_bot.client.wait_for(118, 11)
    # Updates are handled concurrently, so the refusal may come before the last cards.
    cards = [answer for answer in answers if labels(answer)]
    waits = [answer for answer in answers if "Try again in" in visible(answer)]
    assert (len(cards), len(waits)) == (10, 1)


async def test_legit_as_a_reply_in_a_group_checks_the_replied_message(
    telegram_bot: TelegramHarness,
) -> None:
    group = group_chat(-4001)
    poster, asker = person(103, "Pablo"), person(104, "Marta")
    await telegram_bot.client.send_message(poster, group, RECRUITER_MESSAGE)  # not for the bot
    replied = {
        "message_id": 1,
        "date": 1_800_000_000,
        "chat": group,
        "from": poster,
        "text": RECRUITER_MESSAGE,
    }
    await telegram_bot.client.send_command(asker, group, "/legit", reply_to_message=replied)
    [card] = await telegram_bot.client.wait_for(-4001)
    assert "🔴" in visible(card) or "🟠" in visible(card)
    assert "reply_parameters" in card.raw  # quotes the /legit message in the group
    assert await telegram_bot.client.new_bot_messages(-4001) == []  # one answer, not two


async def test_legit_with_a_link_in_a_group_checks_that_link(
    telegram_bot: TelegramHarness, scam_site: str
) -> None:
    marta = person(120, "Marta", language_code="en")
    await telegram_bot.client.send_command(marta, group_chat(-4006), f"/legit {scam_site}")
    [card] = await telegram_bot.client.wait_for(-4006)
    assert "🔴" in visible(card)
    assert card.button("Open")["url"] == scam_site
    assert "reply_parameters" in card.raw  # quotes the /legit message in the group
    assert labels(card) == ["Open", "Why?", "Report as scam", "Looks fine"]


async def test_bare_legit_answers_how_to_use_it_in_the_persons_language(
    telegram_bot: TelegramHarness,
) -> None:
    luis, kate = person(121, "Luis", language_code="es"), person(122, "Kate", language_code="en")
    await telegram_bot.client.send_command(luis, group_chat(-4007), "/legit")
    [hint] = await telegram_bot.client.wait_for(-4007)
    assert visible(hint).startswith("Uso: /legit")

    await telegram_bot.client.send_command(kate, private_chat(kate), "/legit")
    [hint] = await telegram_bot.client.wait_for(122)
    assert visible(hint).startswith("Usage: /legit")
    assert await telegram_bot.client.new_bot_messages(122) == []  # no card for nothing


# -- subscriptions ---------------------------------------------------------------------------


async def test_only_group_administrators_subscribe_a_group(telegram_bot: TelegramHarness) -> None:
    group, admin, member = group_chat(-4002), person(105, "Admin"), person(106, "Member")
    telegram_bot.gateway.set_member(-4002, 105, "administrator")
    telegram_bot.gateway.set_member(-4002, 106, "member")

    await telegram_bot.client.send_command(member, group, "/subscribe rlhf")
    [refused] = await telegram_bot.client.wait_for(-4002)
    assert "administrador" in visible(refused)
    assert await telegram_bot.services.subscriptions.of_chat(ChatRef("telegram", "-4002")) == []

    await telegram_bot.client.send_command(
        admin, group, '/subscribe rlhf "ai trainer" remote -senior'
    )
    [done] = await telegram_bot.client.wait_for(-4002)
    assert "✅" in visible(done)
    [subscription] = await telegram_bot.services.subscriptions.of_chat(ChatRef("telegram", "-4002"))
    assert subscription.filter.keywords == ("rlhf", "ai trainer")
    assert subscription.filter.exclude == ("senior",)
    assert subscription.filter.remote_only


async def test_a_channel_is_subscribed_from_private_when_bot_and_person_administer_it(
    telegram_bot: TelegramHarness,
) -> None:
    gateway = telegram_bot.gateway
    gateway.add_channel("@vigia_jobs", -1007001, "Vigia jobs")
    gateway.set_member(-1007001, BOT_ID, "administrator:no_post")
    gateway.set_member(-1007001, 107, "creator")
    owner, stranger = person(107, "Owner", "en"), person(108, "Stranger", "en")

    await telegram_bot.client.send_command(
        owner, private_chat(owner), "/subscribe @vigia_jobs rlhf"
    )
    [refused] = await telegram_bot.client.wait_for(107)
    assert "allowed to post" in visible(refused)  # an admin that cannot post is no use
    gateway.set_member(-1007001, BOT_ID, "administrator")

    await telegram_bot.client.send_command(
        stranger, private_chat(stranger), "/subscribe @vigia_jobs rlhf"
    )
    [refused] = await telegram_bot.client.wait_for(108)
    assert "Only administrators of @vigia_jobs" in visible(refused)

    await telegram_bot.client.send_command(
        owner, private_chat(owner), "/subscribe @vigia_jobs rlhf"
    )
    [done] = await telegram_bot.client.wait_for(107)
    assert "Channel subscribed" in visible(done)
    [subscription] = await telegram_bot.services.subscriptions.of_chat(
        ChatRef("telegram", "-1007001")
    )
    assert subscription.filter.keywords == ("rlhf",)
    assert subscription.language == "en"


async def test_a_bad_filter_word_is_explained_and_nothing_is_stored(
    telegram_bot: TelegramHarness,
) -> None:
    ana = person(109, language_code="en")
    await telegram_bot.client.send_command(ana, private_chat(ana), "/subscribe minpay:lots")
    [answer] = await telegram_bot.client.wait_for(109)
    assert "minpay:20/h" in visible(answer) and "/filters" in visible(answer)
    assert await telegram_bot.services.subscriptions.of_chat(ChatRef("telegram", "109")) == []


async def test_commands_are_registered_in_spanish_and_english(
    telegram_bot: TelegramHarness,
) -> None:
    menus = telegram_bot.gateway.commands
    assert set(menus) == {"es", "en", ""}
    names = [command["command"] for command in menus["es"]]
    assert names == [command["command"] for command in menus["en"]]
    assert {
        "legit",
        "subscribe",
        "unsubscribe",
        "filters",
        "pause",
        "resume",
        "list",
        "lang",
        "sources",
        "start",
        "help",
    } <= set(names)
    assert menus["es"][0]["description"] != menus["en"][0]["description"]


async def test_lang_overrides_the_app_language_and_survives_a_restart(
    telegram_gateway: TelegramGateway, emulator_client: EmulatorClient, tmp_path: Path
) -> None:
    ana = person(110, language_code="es")
    chat = private_chat(ana)
    async with running_bot(telegram_gateway, emulator_client, tmp_path) as first:
        await emulator_client.send_command(ana, chat, "/lang en")
        [done] = await emulator_client.wait_for(110)
        assert "English" in visible(done)
        assert await first.services.subscriptions.of_chat(ChatRef("telegram", "110")) == []

    # A new Application and store connection over the same SQLite file: nothing in memory.
    async with running_bot(telegram_gateway, emulator_client, tmp_path):
        await emulator_client.send_command(ana, chat, "/filters")
        [help_text] = await emulator_client.wait_for(110)
        assert "Filters for /subscribe" in visible(help_text)


# -- alerts ----------------------------------------------------------------------------------


async def test_an_alert_arrives_once_with_its_keyboard_and_posting_html_stays_inert(
    telegram_bot: TelegramHarness,
) -> None:
    hostile = '<b>AI Trainer</b> <a href="https://evil.example">$90/h</a> & more'
    await queue_alert(
        telegram_bot, ChatRef("telegram", "111"), job(hostile, company="Acme <i>AI</i>"), "en"
    )
    stats = await telegram_bot.drainer.drain_once()
    assert stats.sent == 1
    [alert] = await telegram_bot.client.wait_for(111)
    seen = visible(alert)
    assert hostile in seen and "Acme <i>AI</i>" in seen  # shown as typed, not as markup
    assert TelegramHTML(alert.text).links == ["https://boards.greenhouse.io/acme/jobs/1"]
    assert labels(alert) == ["Open", "Why?", "Report as scam", "Looks fine"]
    assert alert.button("Open")["url"] == "https://boards.greenhouse.io/acme/jobs/1"

    assert (await telegram_bot.drainer.drain_once()).claimed == 0
    assert await telegram_bot.client.new_bot_messages(111) == []  # never twice
    assert (await outbox_store.counts(telegram_bot.app.db)) == {"sent": 1}


async def test_why_shows_the_full_breakdown_and_back_restores_the_card(
    telegram_bot: TelegramHarness,
) -> None:
    ana = person(112, language_code="en")
    chat = private_chat(ana)
    await queue_alert(telegram_bot, ChatRef("telegram", "112"), job(), "en")
    await telegram_bot.drainer.drain_once()
    [alert] = await telegram_bot.client.wait_for(112)

    await telegram_bot.client.press(ana, chat, alert, "Why?")
    history = await telegram_bot.client.wait_until(
        lambda h: any(m.message_id == alert.message_id and m.text != alert.text for m in h)
    )
    [breakdown] = [m for m in history if m.message_id == alert.message_id]
    assert labels(breakdown) == ["Back"]
    assert "/100" in visible(breakdown)

    await telegram_bot.client.press(ana, chat, breakdown, "Back")
    history = await telegram_bot.client.wait_until(
        lambda h: any(m.message_id == alert.message_id and "Why?" in labels(m) for m in h)
    )
    [card] = [m for m in history if m.message_id == alert.message_id]
    assert labels(card) == ["Open", "Why?", "Report as scam", "Looks fine"]


async def test_reports_are_stored_one_per_user_per_link(telegram_bot: TelegramHarness) -> None:
    ana, luis = person(113, language_code="en"), person(114, language_code="en")
    check_id = await queue_alert(telegram_bot, ChatRef("telegram", "-4003"), job(), "en")
    await telegram_bot.drainer.drain_once()
    [alert] = await telegram_bot.client.wait_for(-4003)
    group = group_chat(-4003)
    subject = (await postings_store.get_check(telegram_bot.app.db, check_id)).subject  # type: ignore[union-attr]

    gateway = telegram_bot.gateway
    await telegram_bot.client.press(ana, group, alert, "Report as scam")
    await gateway.wait_for_calls("answerCallbackQuery", 1)
    await telegram_bot.client.press(ana, group, alert, "Report as scam")
    await gateway.wait_for_calls("answerCallbackQuery", 2)
    await telegram_bot.client.press(luis, group, alert, "Looks fine")
    answers = await gateway.wait_for_calls("answerCallbackQuery", 3)

    assert await reports_store.report_counts(telegram_bot.app.db, subject) == {"scam": 1, "fine": 1}
    texts = [answer.get("text", "") for answer in answers]
    assert "possible scam" in texts[0]
    assert "already rated" in texts[1]
    assert "looking fine" in texts[2]


async def test_an_administrators_report_confirms_the_scam_script(
    telegram_bot: TelegramHarness,
) -> None:
    member, admin = person(116, language_code="en"), person(117, language_code="en")
    telegram_bot.gateway.set_member(-4004, 117, "administrator")
    script = (
        "Our agency hires remote product reviewers for the AI rating project. Each day you "
        "rate 40 products in two task sets and earn commission on every task. To unlock the "
        "premium level you recharge your account with a small deposit returned at the end."
    )
    await queue_alert(telegram_bot, ChatRef("telegram", "-4004"), job(description=script), "en")
    await telegram_bot.drainer.drain_once()
    [alert] = await telegram_bot.client.wait_for(-4004)
    group, gateway = group_chat(-4004), telegram_bot.gateway

    await telegram_bot.client.press(member, group, alert, "Report as scam")
    await gateway.wait_for_calls("answerCallbackQuery", 1)
    assert await scripts_store.confirmed_scripts(telegram_bot.app.db) == []

    await telegram_bot.client.press(admin, group, alert, "Report as scam")
    await gateway.wait_for_calls("answerCallbackQuery", 2)
    [confirmed] = await scripts_store.confirmed_scripts(telegram_bot.app.db)
    assert "recharge your account" in confirmed.text


# -- delivery errors -------------------------------------------------------------------------


async def test_a_blocked_chat_is_paused_and_its_alert_kept_for_later(
    telegram_bot: TelegramHarness,
) -> None:
    ana = person(115, language_code="en")
    chat = ChatRef("telegram", "115")
    telegram_bot.gateway.block(115)
    await queue_alert(telegram_bot, chat, job(), "en")

    stats = await telegram_bot.drainer.drain_once()
    assert stats.sent == 0 and stats.chats_paused == 1
    [subscription] = await telegram_bot.services.subscriptions.of_chat(chat)
    assert subscription.paused
    assert await outbox_store.counts(telegram_bot.app.db) == {"pending": 1}
    assert (await telegram_bot.drainer.drain_once()).claimed == 0  # paused: not retried

    telegram_bot.gateway.blocked.clear()  # the person unblocks the bot and resumes
    await telegram_bot.client.send_command(ana, private_chat(ana), "/resume")
    [resumed] = await telegram_bot.client.wait_for(115)
    assert "resumed" in visible(resumed)
    assert (await telegram_bot.drainer.drain_once()).sent == 1
    [alert] = await telegram_bot.client.wait_for(115)
    assert "AI Trainer" in visible(alert)


async def test_an_upgraded_group_gets_its_alert_at_the_new_id(
    telegram_bot: TelegramHarness,
) -> None:
    old, new = ChatRef("telegram", "-4004"), ChatRef("telegram", "-1004004")
    telegram_bot.gateway.migrate(-4004, -1004004)
    await queue_alert(telegram_bot, old, job(), "es")

    first = await telegram_bot.drainer.drain_once()
    assert first.sent == 0
    assert await telegram_bot.services.subscriptions.of_chat(old) == []
    [subscription] = await telegram_bot.services.subscriptions.of_chat(new)
    assert not subscription.paused

    assert (await telegram_bot.drainer.drain_once()).sent == 1
    [alert] = await telegram_bot.client.wait_for(-1004004)
    assert "AI Trainer" in visible(alert)
    assert await telegram_bot.client.new_bot_messages(-4004) == []


async def test_a_flood_limit_defers_the_alert_without_losing_it(
    telegram_bot: TelegramHarness,
) -> None:
    telegram_bot.gateway.flood(116, retry_after_s=30)
    await queue_alert(telegram_bot, ChatRef("telegram", "116"), job(), "en")
    stats = await telegram_bot.drainer.drain_once()
    assert stats.sent == 0 and stats.deferred == 1
    assert await outbox_store.counts(telegram_bot.app.db) == {"pending": 1}
    assert (await telegram_bot.drainer.drain_once()).claimed == 0  # not due for 30 s
    assert await telegram_bot.client.new_bot_messages(116) == []


async def test_an_alert_telegram_refuses_as_html_arrives_as_plain_text(
    telegram_bot: TelegramHarness,
) -> None:
    telegram_bot.gateway.refuse(124, "Bad Request: BUTTON_URL_INVALID")
    await queue_alert(telegram_bot, ChatRef("telegram", "124"), job(), "en")
    assert (await telegram_bot.drainer.drain_once()).sent == 1
    [alert] = await telegram_bot.client.wait_for(124)
    assert alert.parse_mode is None
    assert "AI Trainer (Spanish)" in alert.text
    assert "https://boards.greenhouse.io/acme/jobs/1" in alert.text  # the link, written out
    assert labels(alert) == ["Why?", "Report as scam", "Looks fine"]


async def test_an_alert_refused_in_every_form_is_set_aside_and_the_next_one_goes(
    telegram_bot: TelegramHarness,
) -> None:
    chat = ChatRef("telegram", "125")
    refusal = "Bad Request: message text is empty"
    telegram_bot.gateway.refuse(125, refusal, refusal)
    await queue_alert(telegram_bot, chat, job(), "en")
    await queue_alert(telegram_bot, chat, job("Data Annotator", native_id="2", url=OTHER_JOB), "en")
    stats = await telegram_bot.drainer.drain_once()
    assert stats.rejected == 1 and stats.sent == 1
    [alert] = await telegram_bot.client.wait_for(125)
    assert "Data Annotator" in visible(alert)
    assert await outbox_store.counts(telegram_bot.app.db) == {"failed": 1, "sent": 1}
    subscriptions = await telegram_bot.services.subscriptions.of_chat(chat)
    assert not any(s.paused for s in subscriptions)  # the chat is fine; one message was not


async def test_a_reply_that_meets_a_flood_limit_waits_and_still_arrives(
    telegram_bot: TelegramHarness,
) -> None:
    ana = person(123, language_code="en")
    telegram_bot.gateway.flood(123, retry_after_s=1)
    await telegram_bot.client.send_command(ana, private_chat(ana), "/start")
    [welcome] = await telegram_bot.client.wait_for(123)
    assert "Vigia" in visible(welcome)
    refused, sent = [c for c in telegram_bot.gateway.sent("sendMessage") if c["chat_id"] == "123"]
    assert refused == sent  # the same reply, tried again after the wait Telegram asked for


# -- chat events and webhook mode ------------------------------------------------------------


async def test_a_group_upgrade_notice_moves_its_subscriptions_before_any_send_fails(
    telegram_bot: TelegramHarness,
) -> None:
    old, new = ChatRef("telegram", "-4005"), ChatRef("telegram", "-1004005")
    await telegram_bot.services.subscriptions.subscribe(
        old, Filter(keywords=("rlhf",)), language="es"
    )
    await telegram_bot.client.send_message(
        person(117), group_chat(-4005), "", migrate_to_chat_id=-1004005
    )
    await telegram_bot.client.send_command(person(117), group_chat(-1004005), "/list")
    [listing] = await telegram_bot.client.wait_for(-1004005)
    assert "rlhf" in visible(listing)  # the upgrade was handled before /list was
    assert await telegram_bot.services.subscriptions.of_chat(old) == []
    assert len(await telegram_bot.services.subscriptions.of_chat(new)) == 1


async def test_being_blocked_pauses_the_chat_at_once(telegram_bot: TelegramHarness) -> None:
    chat = ChatRef("telegram", "118")
    await telegram_bot.services.subscriptions.subscribe(chat, Filter(), language="es")
    application = telegram_bot.application
    member = {"id": 118, "is_bot": False, "first_name": "Ana"}
    bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Bot"}
    update = Update.de_json(
        {
            "update_id": 1,
            "my_chat_member": {
                "chat": {"id": 118, "type": "private", "first_name": "Ana"},
                "from": member,
                "date": 1_800_000_000,
                "old_chat_member": {"status": "member", "user": bot_user},
                "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
            },
        },
        application.bot,
    )
    await application.process_update(update)
    [subscription] = await telegram_bot.services.subscriptions.of_chat(chat)
    assert subscription.paused


async def test_webhook_mode_receives_updates_with_the_secret_token(
    telegram_gateway: TelegramGateway, emulator_client: EmulatorClient, tmp_path: Path
) -> None:
    port = free_port()
    async with running_bot(
        telegram_gateway,
        emulator_client,
        tmp_path,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret="s3cret-token",
    ):
        [registered] = telegram_gateway.sent("setWebhook")
        assert registered["url"] == f"http://127.0.0.1:{port}/hook"
        assert registered["secret_token"] == "s3cret-token"
        ana = person(119, language_code="en")
        await emulator_client.send_command(ana, private_chat(ana), "/start")
        [welcome] = await emulator_client.wait_for(119)
        assert "Vigia" in visible(welcome)
        assert telegram_gateway.relay_failures == []
