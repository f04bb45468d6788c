"""What a check sees of a Telegram message: its text, and the links it hides."""

from __future__ import annotations

from typing import Any

from telegram import Message

from adapters.chat.telegram_chat import checkable_text, command_text, hidden_links

CHAT = {"id": 5, "type": "private", "first_name": "Ana"}


def message(text: str, **extra: Any) -> Message:
    data = {"message_id": 1, "date": 1_800_000_000, "chat": CHAT, "text": text, **extra}
    parsed = Message.de_json(data, None)
    assert parsed is not None
    return parsed


def test_command_text_keeps_what_follows_the_command_and_its_newlines() -> None:
    text = "/legit@VigiaBot Pay the fee\nthen start"
    command = message(text, entities=[{"type": "bot_command", "offset": 0, "length": 15}])
    assert command_text(command) == "Pay the fee\nthen start"


def test_a_word_linked_in_a_recruiters_message_is_checked_too() -> None:
    recruiter = message(
        "Apply here today!",
        entities=[{"type": "text_link", "offset": 6, "length": 4, "url": "https://evil.example/a"}],
    )
    assert hidden_links(recruiter) == ["https://evil.example/a"]
    assert checkable_text(recruiter) == "Apply here today!\nhttps://evil.example/a"


def test_url_buttons_of_a_forwarded_message_are_checked_too() -> None:
    forwarded = message(
        "Great job offer",
        reply_markup={"inline_keyboard": [[{"text": "Apply", "url": "https://evil.example/b"}]]},
        forward_origin={
            "type": "hidden_user",
            "sender_user_name": "HR Team",
            "date": 1_800_000_000,
        },
    )
    assert checkable_text(forwarded) == "Great job offer\nhttps://evil.example/b"


def test_links_already_in_the_text_are_not_repeated() -> None:
    url = "https://jobs.example.com/1"
    plain = message(
        f"See {url}",
        entities=[{"type": "text_link", "offset": 4, "length": len(url), "url": url}],
    )
    assert checkable_text(plain) == f"See {url}"


def test_a_caption_is_checked_like_a_text() -> None:
    data = {"message_id": 1, "date": 1_800_000_000, "chat": CHAT, "caption": "Earn $900/week"}
    photo = Message.de_json({**data, "photo": []}, None)
    assert photo is not None
    assert checkable_text(photo) == "Earn $900/week"
