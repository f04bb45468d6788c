"""Money mules: receive payments or parcels for "the company" and pass them on.

"Payment processing agent", reshipping and "cuentas puente" jobs launder stolen money through
the applicant's own account or address (FBI "Money Mule" awareness; Europol EMMA campaigns;
Policía Nacional). A job at a real payments firm also speaks of processing payments, so the
receiving and the forwarding must both be there, or the words are specific to the scheme.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.words import RECEIVE, SEND
from bot.scam.lexicon import concept

FUNDS = concept(
    "money_mule.funds",
    en="payments | payment | funds | transfers | money | deposits | packages | parcels"
    " | merchandise | goods | shipments | sum | sums | amount | amounts | sum of money",
    es="pagos | fondos | transferencias | dinero | depósitos | paquetes | mercancía"
    " | mercancías | envíos | productos | suma | sumas | cantidad | cantidades | importe"
    " | importes | suma de dinero",
)
ONWARD = concept(
    "money_mule.onward",
    en="forward | forwarding | transfer | send | wire | reship | re-ship | pass on | redirect",
    es="reenviar | reenvío | transferir | enviar | mandar | girar | redirigir",
)
MULE_WORDS = concept(
    "money_mule.words",
    en="payment processing agent | payment agent | financial representative | money transfer"
    " agent | reshipping | reshipper | package inspector | parcel forwarding | use your bank"
    " account | use your account | your personal account | receive funds on behalf"
    " | on behalf of our clients | mule | process payments for our clients"
    " | handle client payments | percentage of each transfer | front man | straw man"
    " | open bank accounts in your name | open accounts in your name"
    " | open an account in your name | open new bank accounts | open a new bank account"
    " | make transfers for our clients | make transfers for the clients"
    " | transfers on behalf of our clients | process transfers for our clients",
    es="agente de pagos | agente financiero | representante financiero | cuenta puente"
    " | cuentas puente | mula | mulas | prestar tu cuenta | presta tu cuenta | usar tu cuenta"
    " | tu cuenta bancaria personal | a nombre de nuestros clientes | en nombre de la empresa"
    " | reenvío de paquetes | abrir cuentas a tu nombre | líneas a tu nombre"
    " | transacciones de pagos de clientes | pagos de clientes | recibir pagos de clientes"
    " | gestionar pagos de clientes | porcentaje de cada transferencia | testaferro"
    " | testaferros | tu cuenta personal | su cuenta personal | la cuenta personal"
    " | cuenta de paso | cuentas de paso | abrir cuentas a su nombre"
    " | abrir cuentas bancarias a su nombre | abrir cuentas bancarias a tu nombre"
    " | abrir una cuenta a tu nombre | abrir una cuenta a su nombre"
    # The job titles the Policía Nacional names in mule recruiting (2021-2023 campaigns).
    " | anunciante en línea | anunciantes en línea | anunciante online | cajero online"
    " | cajeros online | cajero en línea"
    # The duty itself: "se encargará de hacer las transferencias para los clientes".
    " | transferencias para los clientes | transferencias para nuestros clientes"
    " | transferencias de nuestros clientes",
)

MONEY_MULE = Family(
    "money_mule",
    "signal.money_mule",
    (
        Cue(
            "receive and forward",
            (slot(RECEIVE.bit), slot(FUNDS.bit), slot(ONWARD.bit)),
            50,
            gap=8,
            verbs=RECEIVE.bit | ONWARD.bit,
        ),
        Cue("mule words", (slot(MULE_WORDS.bit),), 50),
        Cue(
            "forward the funds you receive",
            (slot(ONWARD.bit | SEND.bit), slot(FUNDS.bit), slot(RECEIVE.bit)),
            45,
            gap=5,
        ),
    ),
    per_extra_cue=5.0,
)
