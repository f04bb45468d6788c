"""Harvesting identity, bank or wallet data: documents and secrets asked for up front.

Fake recruiters collect ID photos, SSNs and bank details for identity theft (FTC 2020-12:
"never give your personal info up front"; FBI IC3; Spain's OSI; Mexico's CONDUSEF on INE and
CURP). Real employers do ask for documents, but after an offer and through their own portal,
so a request for a document weighs only caution; a secret (a bank login, a card number and
CVV, a one-time code, a wallet's seed phrase) is asked for by no employer ever.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.words import SEND
from bot.scam.lexicon import concept

GIVE = concept(
    "data_harvest.give",
    en="send | provide | submit | share | upload | email | give | forward | text | attach"
    " | need | require | ask | asked | request | enter | fill in",
    es="enviar | envíe | envía | mandar | proporcionar | compartir | subir | adjuntar"
    " | facilitar | dar | pedir | piden | solicitar | solicitan | necesitamos | requerimos"
    " | ingresar | llenar | rellenar | escanear | pedía | pedían | pidió | pidieron"
    " | solicitaba | solicitaban | exigía | exigían",
)
DOCUMENT = concept(
    "data_harvest.document",
    en="ssn | social security | social security number | driver's license | drivers license"
    " | passport | id card | photo id | photo of your id | id photo | national id"
    " | identity document | selfie | date of birth | mother's maiden name | bank details"
    " | bank account details | bank statement | account and routing | routing number"
    " | bank information | banking information | banking details | identity card"
    " | copy of your passport | copy of your id"
    " | tax id | w-2 | w2 | personal details | personal information | personal data",
    es="dni | nie | pasaporte | cédula | ine | curp | rfc | nss | número de seguridad social"
    " | foto de tu dni | foto del dni | foto de tu identificación | identificación oficial"
    " | credencial de elector | selfie | datos bancarios | cuenta bancaria | número de cuenta"
    " | clabe | iban | tarjeta sanitaria | comprobante de domicilio | fecha de nacimiento"
    " | información bancaria | personal o bancaria | personales y bancarios"
    " | personales o bancarios | carnet de identidad | cédula de identidad"
    " | documento de identidad | documento nacional de identidad | copia del pasaporte"
    " | cuil | cuit | partida de nacimiento",
)
SECRET = concept(
    "data_harvest.secret",
    en="bank login | banking login | online banking password | bank password | banking password"
    " | bank username | card number | card details | credit card details | cvv | cvc | pin"
    " | one-time code | verification code | otp | sms code | seed phrase | recovery phrase"
    " | secret phrase | private key | wallet password",
    es="clave bancaria | contraseña del banco | contraseña de tu banco | usuario de la banca"
    " | clave de la banca | datos de tu tarjeta | número de tu tarjeta | número de tarjeta"
    " | cvv | pin | código de verificación | código sms | código de seguridad | frase semilla"
    " | frase de recuperación | clave privada | token bancario",
)

#: Secrets no hiring process ever mentions, asked for or not.
SECRET_STRICT = concept(
    "data_harvest.secret_strict",
    en="online banking password | bank login | banking login | seed phrase | recovery phrase"
    " | secret phrase | private key | wallet password | cvv | cvc",
    es="clave bancaria | contraseña del banco | contraseña de tu banco | clave de la banca"
    " | frase semilla | frase de recuperación | clave privada | token bancario | cvv",
)

DATA_HARVEST = Family(
    "data_harvest",
    "signal.data_harvest",
    (
        Cue(
            "asks for a secret",
            (slot(GIVE.bit | SEND.bit), slot(SECRET.bit)),
            60,
            gap=6,
            message_key="signal.data_harvest_secret",
        ),
        Cue(
            "a secret named",
            (slot(SECRET_STRICT.bit),),
            40,
            message_key="signal.data_harvest_secret",
        ),
        Cue("asks for documents", (slot(GIVE.bit | SEND.bit), slot(DOCUMENT.bit)), 35, gap=6),
    ),
    per_extra_cue=5.0,
)
