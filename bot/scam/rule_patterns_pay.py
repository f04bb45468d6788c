"""Text rules about money the applicant is asked to pay, or to move for the "employer".

Plain data for the engine in `rules`: each rule's weight is points of risk on the 0-100 scale,
read against the default thresholds in `bot.config` (caution at 30, scam at 60). Sources are
the signal numbers S1-S16 in /work/shared/research/scam-signals.md (FTC, FBI IC3, Appen).
Asking the applicant for money is the one thing no real employer does, so most rules here weigh
enough alone to make a verdict of scam.
"""

from __future__ import annotations

from bot.scam.rule_schema import Pattern, Rule

#: A sum of money: "$49", "30 USD", "€1.5k", "50 dolares" (also read by pay.guaranteed).
AMOUNT = (
    r"(?:[$€£]\s?\d[\d.,]*(?:\s?k\b)?|\d[\d.,]*\s?(?:usd|us\$|eur|euros?|dollars?|dolares|gbp"
    r"|pounds|[$€£]))"
)
#: A cryptocurrency, its networks, or a wallet address.
CRYPTO = (
    r"(?:usdt|usdc|trc-?20|erc-?20|bep-?20|bitcoins?|btc|ethereum|eth|tether|binance"
    r"|crypto(?:currency|currencies|s)?|cripto(?:monedas?|divisas?|activos)?|wallet\W+address"
    r"|direccion\W+de\W+(?:la\W+|tu\W+)?(?:billetera|cartera|monedero))"
)

#: Words that say the employer pays, not the applicant: they cancel a fee.
_BENEFIT_VETO = (
    r"we\W+(?:will\W+)?reimburse|reimbursed\W+by\W+(?:us|the\W+company)|stipend|allowance"
    r"|budget|free\W+of\W+charge|at\W+no\W+(?:cost|charge)|no\W+cost"
    r"|company-paid|paid\W+by\W+(?:us|the\W+company)|we\W+(?:pay|cover|provide|reimburse)"
    r"|gratis|gratuit|sin\W+cost[oe]|sin\W+cargo|a\W+cargo\W+de\W+la\W+empresa"
    r"|cubrimos|proporcionamos|te\W+damos|never|nunca|jamas|direct\W+deposit|deposito\W+directo"
)
#: For an item with a price ("kit ($65)"), also words that say the price is the pay.
_PAID_VETO = (
    _BENEFIT_VETO
    + r"|reimburs|reembols|\bpaid\b|pagad[oa]|per\W+hour|an\W+hour|/\s?h\b|hourly|por\W+hora"
)
#: What an applicant is made to pay for, in English and in Spanish.
_FEE_OBJECTS = (
    r"(?:fee|fees|kit|starter\W+pack|equipment|software|certification|certificate"
    r"|course|background\W+check|registration|membership|activation|materials|supplies|deposit"
    r"|upgrade|onboarding\W+package)"
)
_FEE_OBJECTS_ES = (
    r"(?:cuota|tarifa|matricula|inscripcion|curso|certificacion|certificado|kit|equipo"
    r"|material(?:es)?|formacion|capacitacion|deposito|registro|activacion|licencia"
    r"|verificacion\W+de\W+antecedentes|membresia|alta)"
)

#: S1. Any fee, kit or deposit paid to the employer: "never send money to an alleged employer"
#: (FBI IC3, 2024-06-04; FTC 2021-04). 65 >= scam_at alone: no real job charges to start.
FEE = Rule(
    "fee",
    65,
    "signal.fee",
    (
        Pattern(rf"\b(?:pay|purchase|buy)\W+(?:for\W+)?(?:\w+\W+){{0,4}}?{_FEE_OBJECTS}\b"),
        Pattern(
            r"\bpay\W+for\W+(?:the\W+|your\W+|a\W+)?(?:\w+\W+)?"
            r"(?:training|onboarding|course|program|programme)\b"
        ),
        Pattern(
            r"\b(?:registration|training|certification|onboarding|activation|application"
            r"|processing|background\W+check|membership|enrol?lment|starter\W+kit|equipment"
            r"|verification|admin(?:istration)?|withdrawal|upgrade|joining|sign\W?up)"
            r"\W+(?:fee|fees|cost|charge|deposit)\b",
            hit_veto=r"direct\W+deposit",
        ),
        Pattern(
            r"\b(?:fee|deposit|payment|kit|cost)\b(?:\W+\w+){0,8}?\W+(?:fully\W+|100\W+)?"
            r"(?:non\W?)?refundable\b|\brefundable\W+(?:\w+\W+)?(?:fee|deposit|payment)\b",
            hit_veto=r"direct\W+deposit",
        ),
        Pattern(rf"\b(?:fee|deposit)\W+(?:of\W+|is\W+)?{AMOUNT}", hit_veto=r"direct\W+deposit"),
        Pattern(
            rf"{AMOUNT}\W+(?:\w+\W+){{0,2}}?(?:fee|deposit)\b",
            hit_veto=r"direct\W+deposit|bonus",
        ),
        Pattern(
            rf"\b(?:kit|course|training|certification|materials|equipment|software)\W+"
            rf"(?:\w+\W+){{0,2}}?\(?\s*{AMOUNT}",
            veto=_PAID_VETO,
        ),
        Pattern(
            r"\b(?:tax|fee|deposit|payment)\W+(?:\w+\W+){0,3}?to\W+"
            r"(?:withdraw|cash\W+out|unlock|activate|release)\b"
        ),
        # Spanish
        Pattern(
            r"\b(?:paga|pagar|pague|pagues|abona|abonar|abone|compra|comprar|compre|adquiere"
            r"|adquirir|deposita|depositar|transfiere|transferir)\W+"
            rf"(?:\w+\W+){{0,5}}?{_FEE_OBJECTS_ES}\b"
        ),
        Pattern(
            r"\b(?:cuota|tarifa|costo|coste|pago|cargo)\W+(?:de\W+)?(?:inscripcion|registro"
            r"|activacion|formacion|capacitacion|certificacion|alta|matricula|ingreso"
            r"|membresia|verificacion)\b"
        ),
        Pattern(rf"\b(?:cuota|tarifa|costo|coste|deposito)\W+(?:de\W+)?{AMOUNT}"),
        Pattern(
            rf"\b(?:kit|curso|formacion|certificacion|material(?:es)?|equipo)\W+"
            rf"(?:\w+\W+){{0,3}}?\(?\s*{AMOUNT}",
            veto=_PAID_VETO + r"|incluid|te\W+(?:enviamos|enviaremos)",
        ),
        Pattern(r"\breembolsable\b"),
        Pattern(
            r"\b(?:impuesto|comision|tarifa|deposito|pago)\W+(?:\w+\W+){0,3}?para\W+"
            r"(?:retirar|desbloquear|cobrar|activar)\b"
        ),
    ),
    subject_veto=True,
    veto=_BENEFIT_VETO,
)

#: S2. Paid in, or asked to deposit, crypto: "cryptocurrency is the payment of choice" (FTC,
#: 2024-12-12). As heavy as a fee: it is the task-scam deposit under another name.
CRYPTO_PAYMENT = Rule(
    "crypto.payment",
    65,
    "signal.crypto_payment",
    (
        Pattern(
            r"\b(?:paid|payment|payments|pay|salary|wages?|earnings|compensation|payouts?"
            r"|commissions?|pago|pagos|salario|sueldo|ganancias|cobras?|cobro)\W+"
            rf"(?:\w+\W+){{0,3}}?(?:in|via|through|with|by|en|con|mediante)\W+"
            rf"(?:\w+\W+)?{CRYPTO}\b"
        ),
        Pattern(
            r"\b(?:top\W?up|recharge|deposit|fund|send|transfer|recarga|recargar|deposita"
            rf"|depositar|envia|enviar|transfiere|transferir)\W+(?:\w+\W+){{0,5}}?{CRYPTO}\b"
        ),
        Pattern(
            rf"\b{CRYPTO}\W+(?:\w+\W+){{0,3}}?(?:wallet\W+address|deposit|top\W?up|recharge"
            r"|to\W+unlock|recarga|deposito|para\W+desbloquear)\b"
        ),
    ),
    subject_veto=False,
)

#: S2, weak form: crypto named with no payment around it (a crypto exchange may hire legitimately).
#: 10 only adds to other signals; `signals_from_hits` drops it when crypto.payment fires.
CRYPTO_MENTION = Rule("crypto.mention", 10, "signal.crypto_mention", (Pattern(rf"\b{CRYPTO}\b"),))

#: S5. Buying or paying with gift cards: no employer pays or is paid that way. 60 = scam_at.
GIFTCARD = Rule(
    "giftcard",
    60,
    "signal.giftcard",
    (
        Pattern(
            r"\b(?:gift\W?cards?|(?:itunes|google\W+play|steam|amazon|apple|ebay)\W+cards?"
            r"|tarjetas?\W+(?:de\W+)?regalo)\b",
            needs=r"\b(?:buy|purchase|send|pay|by|using|redeem|codes?|compra|comprar|envia"
            r"|enviar|paga|pagar|codigos?)\b",
            needs_window=120,
            veto=r"\b(?:receive|earn|reward|thank|participat|compensat|incentive|recibir"
            r"|recibe|recibiras|recompensa)",
        ),
    ),
    subject_veto=True,
)

#: S5. The fake-cheque scheme: a cheque to deposit, then money forwarded (FTC 2021-04, 2018-05;
#: Appen: "we will never send a check in advance"). It needs the send-back words, so a hit is
#: specific enough to weigh the most of any rule (70).
CHEQUE = Rule(
    "cheque",
    70,
    "signal.cheque",
    (
        Pattern(
            r"\b(?:send|mail|issue|receive|get|deposit|cash|enviar|enviaremos|recibiras"
            r"|deposita|depositar|cobra|cobrar)\W+(?:\w+\W+){0,3}?(?:cheques?|checks?"
            r"|money\W+order)\b",
            hit_veto=r"background|credit|reference|security|spell|fact|quality|health"
            r"|sanity|reality|spot|status|double|pay\W?check|check\W?(?:in|out)",
            needs=r"forward|send\W+(?:\w+\W+){0,3}?(?:balance|remaining|rest|difference"
            r"|excess|back)|remaining\W+(?:balance|funds)|(?:approved|our|designated)\W+"
            r"(?:supplier|vendor)|gift\W?cards?|wire\W+(?:the|it)|zelle|cash\W?app|bitcoin"
            r"|(?:buy|purchase)\W+(?:your\W+|the\W+)?(?:equipment|supplies|software)"
            r"|proveedor|\bresto\b|saldo\W+restante|diferencia|devuelv|reenv|envia\W+el"
            r"\W+(?:resto|saldo|sobrante)|compra\W+(?:tu\W+|el\W+)?equipo",
        ),
        Pattern(
            r"\b(?:cheque|check)\W+(?:\w+\W+){0,3}?(?:to|para)\W+(?:buy|purchase|comprar)\b",
            hit_veto=r"background|credit|reference|security",
        ),
    ),
)

#: S12. Topping up a balance to unlock tasks or withdraw: the core ask of a task scam (FBI IC3,
#: FTC 2024-12-12). 60 = scam_at alone.
TASK_RECHARGE = Rule(
    "task.recharge",
    60,
    "signal.task_recharge",
    (
        Pattern(
            r"\b(?:recharge|top\W?up|reload)\W+(?:\w+\W+){0,2}?(?:account|balance|wallet"
            r"|deposit)s?\b|\b(?:recharge|top\W?up|deposit)\W+(?:\w+\W+){0,3}?(?:to\W+)"
            r"(?:unlock|continue|withdraw|complete|upgrade)\b"
        ),
        Pattern(
            r"\brecarga[r]?\W+(?:\w+\W+){0,2}?(?:saldo|cuenta|billetera|monedero)\b"
            r"|\b(?:recarga|deposita)r?\W+(?:\w+\W+){0,4}?para\W+(?:desbloquear|continuar"
            r"|retirar)\b"
        ),
    ),
    subject_veto=True,
)

#: Receiving and forwarding money or parcels for others (money mule, reshipping). 45 is
#: caution alone: "payment agent" is also a title at legitimate payment firms.
MONEY_MULE = Rule(
    "money.mule",
    45,
    "signal.money_mule",
    (
        Pattern(
            r"\b(?:receive|process|accept|handle)\W+(?:\w+\W+){0,2}?(?:payments?|funds"
            r"|transfers|money)\W+(?:\w+\W+){0,3}?(?:on\W+behalf|for\W+(?:our|the)\W+"
            r"(?:company|clients|customers))\b.{0,80}?\b(?:transfer|forward|send|wire)",
        ),
        Pattern(r"\b(?:payment|financial)\W+(?:processing\W+)?(?:agent|representative)\b"),
        Pattern(
            r"\breship(?:ping|per)?\b|\b(?:repackag\w+|re-ship)\W+(?:\w+\W+)?(?:packages|parcels)"
        ),
        Pattern(
            r"\brecibir\W+(?:\w+\W+){0,2}?(?:pagos|fondos|transferencias|dinero)\W+"
            r"(?:\w+\W+){0,3}?(?:en\W+nombre|de\W+(?:nuestros\W+)?clientes)\b"
        ),
    ),
)

#: S5/S1. Payment apps with no buyer protection (Zelle, Cash App, Western Union...). 25 stays
#: below caution_at alone: freelance clients do pay that way; it adds weight to a fee.
PAYMENT_P2P = Rule(
    "payment.p2p",
    25,
    "signal.payment_p2p",
    (
        Pattern(
            r"\b(?:zelle|cash\W?app|venmo|western\W+union|moneygram|bizum|oxxo)\b",
            needs=r"\b(?:pay|paid|send|transfer|via|through|by|fee|deposit|paga|pago|envia"
            r"|mediante|por)\b",
            needs_window=80,
        ),
    ),
)
