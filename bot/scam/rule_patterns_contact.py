"""Text rules about how the recruiter reaches and vets the applicant.

Plain data for the engine in `rules`: each rule's weight is points of risk on the 0-100 scale,
read against the default thresholds in `bot.config` (caution at 30, scam at 60). Sources are
the signal numbers S1-S16 in /work/shared/research/scam-signals.md (FTC, FBI IC3, Appen).
Moving the talk to a chat app or asking for documents early is suspicious but not proof, so
these rules reach caution alone and scam only with another signal, except a bank login.
"""

from __future__ import annotations

from bot.scam.rule_schema import Pattern, Rule

#: Chat apps scammers move the talk to, and the words that make one a product instead
#: ("Telegram bot", "WhatsApp Business API": a developer job, not a contact channel).
_CHAT_APPS = r"(?:telegram|whatsapp|whats\W?app|signal|wechat|wickr|viber|kik)"
_CHAT_PRODUCT = r"\W*(?:bots?|api|apis|mini\W?apps?|sdk|channels?|business|cloud|integrations?)\b"

#: S3. Contact moved to Telegram, WhatsApp, Signal...: "real employers will never contact you
#: that way" (FTC 2024-12-12; Appen: "we do not use 3rd party messengers"). 35: caution alone.
CONTACT_CHAT = Rule(
    "contact.chat",
    35,
    "signal.contact_chat",
    (
        Pattern(
            r"\b(?:contact|message|text|reach|write|chat|dm|add|talk|interview|apply|send|call"
            r"|ping|join|connect|follow\W+up)\b(?:\W+\w+){0,4}?\W+(?:on|via|through|by|at"
            rf"|over|in|using)\W+(?:our\W+|the\W+|my\W+)?{_CHAT_APPS}\b",
            hit_veto=r"signal\W*$",
            after_veto=_CHAT_PRODUCT,
        ),
        Pattern(
            r"\b(?:contact|message|text|reach|write|chat|dm|add|talk)\b(?:\W+\w+){0,4}?\W+"
            r"(?:on|via|through|using)\W+signal\b",
        ),
        Pattern(
            r"\b(?:contacta(?:nos|me)?|contactenos|contactarnos|contactar|escribe(?:nos|me)?"
            r"|escribir(?:nos|me)?|mensaje|habla(?:nos)?|agrega(?:nos)?|anade(?:nos)?"
            r"|entrevista|contacto|atencion\W+al\W+cliente|soporte|comunicate|unete"
            r"|envia(?:nos)?|manda(?:nos)?|llama(?:nos)?)\b(?:\W+\w+){0,4}?\W+(?:por|via|en"
            r"|a\W+traves\W+de|mediante|al)\W+(?:nuestro\W+|el\W+)?"
            r"(?:telegram|whatsapp|signal|wechat)\b",
            after_veto=_CHAT_PRODUCT,
        ),
        Pattern(
            rf"\+?\d[\d\s().-]{{6,}}\d\W+(?:\w+\W+)?(?:on|via|by|at|en|por|al)\W+{_CHAT_APPS}\b"
        ),
        Pattern(
            r"\b(?:t\.me|telegram\.me|wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com"
            r"|signal\.me)/[\w+@-]+"
        ),
        Pattern(rf"\b{_CHAT_APPS}\W{{0,3}}(?:@\w{{3,}}|\+?\d[\d\s-]{{6,}}\d)"),
    ),
    negatable=True,
)

#: S3. An interview held by text or chat (appentech.org: "interview via chat or text"). 35, as
#: contact.chat: caution alone.
INTERVIEW_CHAT = Rule(
    "interview.chat",
    35,
    "signal.interview_chat",
    (
        Pattern(
            r"\binterview\w*\W+(?:\w+\W+){0,4}?(?:by|via|over|through|on)\W+(?:text|chat"
            r"|instant\W+messag\w*|google\W+chat|hangouts|teams\W+chat|telegram|whatsapp"
            r"|signal|sms)\b|\b(?:text|chat|texting)\W+(?:\w+\W+)?interview\b"
            r"|\bentrevista\w*\W+(?:\w+\W+){0,3}?(?:por|via|mediante)\W+(?:chat|texto"
            r"|mensajes|telegram|whatsapp|signal)\b"
        ),
    ),
)

#: S10. Bank login, card number or CVV: no employer needs them, before an offer or after
#: (FTC 2020-12; FBI IC3). 60 = scam_at alone.
PII_BANK = Rule(
    "pii.bank",
    60,
    "signal.pii_bank",
    (
        Pattern(
            r"\b(?:online\W+banking\W+(?:\w+\W+)?(?:login|username|user\W?name|password"
            r"|credentials|details|access)|bank(?:ing)?\W+(?:login|username|user\W?name"
            r"|password|credentials|pin)|(?:login|username|password|credentials)\W+"
            r"(?:\w+\W+){0,2}?(?:bank|banking)\b|card\W+(?:number|pin|cvv)|cvv"
            r"|credit\W+card\W+(?:details|number|information)|usuario\W+(?:de\W+)?(?:la\W+)?"
            r"banca|clave\W+(?:de\W+)?(?:la\W+|tu\W+)?(?:banca|bancaria|del\W+banco)"
            r"|contrasena\W+(?:de\W+)?(?:tu\W+)?(?:banco|banca|cuenta)|datos\W+de\W+(?:tu\W+)?"
            r"tarjeta|numero\W+de\W+(?:tu\W+)?tarjeta|pin\W+de\W+(?:tu\W+)?tarjeta)"
        ),
    ),
    veto=r"\bnever\b|\bnunca\b|\bjamas\b",
)

#: S10. ID, SSN or bank details sent before an offer (FTC 2020-12: "never give your personal
#: info up front"). Real employers ask for them after hiring (I-9, payroll), hence the veto
#: and 40: caution alone.
PII_IDENTITY = Rule(
    "pii.identity",
    40,
    "signal.pii_identity",
    (
        Pattern(
            r"\b(?:send|provide|submit|share|upload|email|give|forward|text|attach)\b"
            r"(?:\W+\w+){0,5}?\W+(?:ssn|social\W+security(?:\W+number)?|driver'?s?\W+licen"
            r"[cs]e|passport|photo\W+of\W+(?:your\W+)?(?:id|identification|licen[cs]e|card)"
            r"|id\W+(?:card|photo|document)|national\W+id|bank\W+(?:account\W+)?(?:details"
            r"|statement|information|info)|account\W+and\W+routing|routing\W+number|date\W+of"
            r"\W+birth|mother'?s\W+maiden)"
        ),
        Pattern(
            r"\b(?:envia|envie|enviar|enviarnos|enviad|manda|mandar|proporciona|proporcionar"
            r"|comparte|compartir|sube|subir|adjunta|adjuntar|facilita|facilitar)\b"
            r"(?:\W+\w+){0,5}?\W+(?:dni|nie|pasaporte|cedula|ine|curp|rfc|nss|numero\W+de"
            r"\W+seguridad\W+social|foto\W+de\W+tu\W+(?:dni|identificacion|documento|cedula)"
            r"|datos\W+bancarios|cuenta\W+bancaria|numero\W+de\W+cuenta|clabe|iban)\b"
        ),
    ),
    subject_veto=True,
    veto=r"after\W+(?:\w+\W+){0,2}?(?:offer|hire|hiring|onboarding)|once\W+(?:you\W+are\W+)?"
    r"hired|secure\W+portal|i-9|e-verify|tras\W+la\W+(?:oferta|contratacion)|una\W+vez"
    r"\W+contratad|portal\W+seguro|\bnever\b|\bnunca\b|\bjamas\b",
)

#: S11. "You are hired" with no interview (FBI IC3, 2024-06-04). 15: weak alone, since real
#: annotation platforms also take people on after an online assessment, with no interview.
NO_INTERVIEW = Rule(
    "no_interview",
    15,
    "signal.no_interview",
    (
        Pattern(
            r"\bno\W+interviews?\b|\bwithout\W+(?:an\W+|any\W+)?interviews?\b|\binterviews?\W+"
            r"(?:is\W+|are\W+)?not\W+(?:required|needed|necessary)\b|\byou\W+(?:are|have\W+been"
            r"|were|'re)\W+(?:\w+\W+)?(?:hired|selected|accepted)\b|\bsin\W+entrevistas?\b"
            r"|\bno\W+(?:hay|se\W+requiere|requiere)\W+entrevista|\bcontratacion\W+"
            r"(?:inmediata|directa)\b|\b(?:has|haz)\W+sido\W+(?:seleccionad|contratad)\w*"
            r"|\bestas\W+contratad[oa]\b"
        ),
    ),
    negatable=False,
)

#: S11. An unsolicited offer. 10: Outlier and Scale do cold-recruit on LinkedIn (Inc.,
#: 2024-06-14), so it only adds to other signals.
UNSOLICITED = Rule(
    "unsolicited",
    10,
    "signal.unsolicited",
    (
        Pattern(
            r"\b(?:found|saw|came\W+across|reviewed|viewed)\W+(?:your\W+)?(?:resume|cv"
            r"|profile)\W+(?:\w+\W+){0,2}?(?:online|on|in|at)\b|\bwe\W+(?:got|obtained"
            r"|received)\W+your\W+(?:contact|number|resume)\b|\b(?:vimos|encontramos"
            r"|revisamos|hemos\W+visto|hemos\W+revisado|hemos\W+encontrado)\W+(?:tu\W+)?"
            r"(?:perfil|curriculum|cv|hoja\W+de\W+vida)\b"
        ),
    ),
    negatable=False,
)
