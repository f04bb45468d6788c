"""Moves to a chat app: the talk, or the interview, goes to WhatsApp, Telegram, Signal…

"Real employers will never contact you that way" (FTC 2024-12-12); Appen: "we do not use 3rd
party messengers"; Policía Nacional on WhatsApp "hola" openers from foreign numbers. Scammers
spell the apps to slip past filters ("Wasap", "Whats", "W h a t s A p p", "wa.me/…") and give
a number to add. Small real employers in Latin America do recruit on WhatsApp, so a move alone
is caution; an interview held only by chat weighs more. An app named as a product ("WhatsApp
Business API developer", "Telegram bot") is no move at all.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.words import CHAT_APP, CHAT_PRODUCT
from bot.scam.lexicon import concept
from bot.scam.textmarks import CHAT_LINK, HANDLE, PHONE

CONTACT = concept(
    "chat_move.contact",
    en="contact | message | text | reach | write | chat | dm | add | save | talk | speak"
    " | apply | send | call | ping | join | connect | follow up | hit me up | reply"
    " | get in touch | reach out | inbox | moved | redirected | redirects | switched",
    es="contactar | contacta | contáctanos | contáctame | escribir | escribe | escríbenos"
    " | escríbeme | mensaje | hablar | habla | háblame | agregar | agrega | agrégame"
    " | agréganos | añadir | añade | añádeme | guardar | guarda | enviar | envía | mandar"
    " | manda | llamar | comunícate | comunicarse | únete | unirse | responder | responde"
    " | postular | postúlate | info al | informes al | informes por"
    # handed on to a chat app: "me pasó con alguien en Telegram", "te derivan a WhatsApp"
    " | pasar | pasó | pasan | pasaron | derivar | derivan | derivó | derivaron | redirigir"
    " | redirigen | trasladar | trasladan | trasladó",
)
NUMBER = concept(
    "chat_move.number",
    en="this number | our number | my number | the number below | this contact",
    es="este número | nuestro número | mi número | el siguiente número | este contacto"
    " | nuestro contacto",
)
ADD = concept(
    "chat_move.add",
    en="add | save | text | message",
    es="agregar | agrega | añadir | añade | guardar | guarda | agéndame | agendar",
)
INTERVIEW = concept(
    "chat_move.interview",
    en="interview | interviews | interviewed | onboarding | orientation | screening",
    es="entrevista | entrevistas | entrevistar | capacitación | inducción",
)
#: Apps whose names are also ordinary words ("wire" money, a "signal", a "line"): they count
#: only as the place a contact verb points to: "message our manager on Wire".
_AMBIGUOUS_APPS = ("wire", "signal", "line", "session", "element")
ON_AMBIGUOUS_APP = concept(
    "chat_move.on_ambiguous_app",
    names=" | ".join(
        f"{preposition} {app}"
        for preposition in ("on", "via", "over", "through", "using", "por", "en")
        for app in _AMBIGUOUS_APPS
    ),
)
TEXT_CHAT = concept(
    "chat_move.text_chat",
    en="text | texting | chat | instant message | instant messaging | im | sms",
    es="chat | mensajes | mensajería | texto | sms",
)

CHAT_MOVE = Family(
    "chat_move",
    "signal.chat_move",
    (
        Cue(
            "interview by chat",
            (slot(INTERVIEW.bit), slot(CHAT_APP.bit | TEXT_CHAT.bit)),
            45,
            gap=5,
            unless_after=CHAT_PRODUCT.bit,
            message_key="signal.chat_interview",
        ),
        Cue(
            "chat app for the interview",
            (slot(CHAT_APP.bit, CHAT_PRODUCT.bit), slot(INTERVIEW.bit)),
            45,
            gap=3,
            message_key="signal.chat_interview",
        ),
        Cue(
            "contact on a chat app",
            (slot(CONTACT.bit), slot(CHAT_APP.bit, CHAT_PRODUCT.bit)),
            35,
            gap=5,
            unless_after=CHAT_PRODUCT.bit,
        ),
        Cue(
            "contact on Wire or Signal",
            (slot(CONTACT.bit), slot(ON_AMBIGUOUS_APP.bit)),
            35,
            gap=5,
            unless_after=CHAT_PRODUCT.bit,
        ),
        Cue(
            "chat app and a number",
            (slot(CHAT_APP.bit, CHAT_PRODUCT.bit), slot(PHONE.bit | HANDLE.bit)),
            35,
            gap=4,
            same_clause=False,
        ),
        Cue(
            "a number and a chat app",
            (slot(PHONE.bit), slot(CHAT_APP.bit)),
            35,
            gap=3,
            same_clause=False,
        ),
        Cue("a chat-app link", (slot(CHAT_LINK.bit),), 35),
        Cue("add this number", (slot(ADD.bit), slot(NUMBER.bit | PHONE.bit)), 30, gap=3),
    ),
    per_extra_cue=5.0,
)
