"""Check 1: rules over the posting's text, in English and Spanish.

Each rule is a signal with an id, a weight and a message key; its patterns are regular
expressions over folded text (lower case, no accents: see `textnorm`). All patterns run in one
pass through an RE2 set, so a posting costs one scan however many rules there are; only the
patterns that fire are then run again to find the words to quote and to check their context:

* negation just before the trigger ("we never charge a fee", "sin cuota de inscripción");
* a clause veto ("the company reimburses the certification fee", "direct deposit");
* for rules about what the applicant must pay, the subject ("we pay for your training").

Weights are points of risk on the 0–100 scale (see `score`): a fee or a crypto deposit weighs
enough alone to make a verdict of scam, a weak signal (urgency, "no experience") never does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import re2

from bot.models import Signal
from bot.scam.textnorm import clause_bounds, clip, fold


def gap(words: int) -> str:
    """Up to `words` words between two parts of a pattern."""
    return rf"(?:\W+\w+){{0,{words}}}?\W+"


AMOUNT = (
    r"(?:[$€£]\s?\d[\d.,]*(?:\s?k\b)?|\d[\d.,]*\s?(?:usd|us\$|eur|euros?|dollars?|dolares|gbp"
    r"|pounds|[$€£]))"
)
CRYPTO = (
    r"(?:usdt|usdc|trc-?20|erc-?20|bep-?20|bitcoins?|btc|ethereum|eth|tether|binance"
    r"|crypto(?:currency|currencies|s)?|cripto(?:monedas?|divisas?|activos)?|wallet\W+address"
    r"|direccion\W+de\W+(?:la\W+|tu\W+)?(?:billetera|cartera|monedero))"
)
_NEGATION = re.compile(
    r"\b(?:never|not|no|don't|dont|doesn't|won't|will\W+not|without|nor|neither|zero|"
    r"nunca|jamas|ni|sin|tampoco|free\W+of)\b"
)
_SUBJECT = re.compile(
    r"\b(?:we|we'll|we'd|we've|us|our\W+(?:company|team|client)|the\W+company|company|employer"
    r"|nosotros|empresa|customers|users|clients|clientes|usuarios|they|cubrimos|pagamos)\b"
)
_FREE_AFTER = re.compile(
    r"\W*(?:\w+\W+){0,3}?(?:is|are|will\W+be|es|son|sera|seran)?\W*(?:free|gratis|gratuit[oa]s?"
    r"|waived|covered|reimbursed|provided|not\W+required|cubiert[oa]s?|reembolsad[oa]s?)\b"
)
_WINDOW_WORDS = 6
#: A warning about scams quotes their words: "scammers ask you to buy a starter kit".
_WARNING = re.compile(
    r"\b(?:scam\w*|fraud\w*|beware|impostors?|impersonat\w*|phishing|estafa\w*|fraude\w*"
    r"|cuidado|suplanta\w*|engano\w*|timo\w*)\b"
)
_WARNING_WINDOW = 200


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way a rule fires. `weight` overrides the rule's weight for this pattern."""

    regex: str
    weight: float | None = None
    veto: str | None = None  # searched in the clause around the hit: a match cancels it
    needs: str | None = None  # searched within `needs_window` chars of the hit: required
    needs_window: int = 250
    hit_veto: str | None = None  # searched in the matched words themselves
    after_veto: str | None = None  # matched right after the hit ("WhatsApp Business API")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    weight: float
    message_key: str
    patterns: tuple[Pattern, ...]
    negatable: bool = True  # a negation just before, or a warning about scams, cancels it
    subject_veto: bool = False  # "we"/"the company" just before cancels it (who pays)
    veto: str | None = None  # clause veto shared by every pattern


@dataclass(frozen=True, slots=True)
class Hit:
    rule: Rule
    pattern_index: int
    weight: float
    start: int
    end: int


_BENEFIT_VETO = (
    r"we\W+(?:will\W+)?reimburse|reimbursed\W+by\W+(?:us|the\W+company)|stipend|allowance"
    r"|budget|free\W+of\W+charge|at\W+no\W+(?:cost|charge)|no\W+cost"
    r"|company-paid|paid\W+by\W+(?:us|the\W+company)|we\W+(?:pay|cover|provide|reimburse)"
    r"|gratis|gratuit|sin\W+cost[oe]|sin\W+cargo|a\W+cargo\W+de\W+la\W+empresa"
    r"|cubrimos|proporcionamos|te\W+damos|never|nunca|jamas|direct\W+deposit|deposito\W+directo"
)
_PAID_VETO = (
    _BENEFIT_VETO
    + r"|reimburs|reembols|\bpaid\b|pagad[oa]|per\W+hour|an\W+hour|/\s?h\b|hourly|por\W+hora"
)
_CHAT_APPS = r"(?:telegram|whatsapp|whats\W?app|signal|wechat|wickr|viber|kik)"
_CHAT_PRODUCT = r"\W*(?:bots?|api|apis|mini\W?apps?|sdk|channels?|business|cloud|integrations?)\b"
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

RULES: tuple[Rule, ...] = (
    Rule(
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
    ),
    Rule(
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
    ),
    Rule("crypto.mention", 10, "signal.crypto_mention", (Pattern(rf"\b{CRYPTO}\b"),)),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
        "task.scheme",
        30,
        "signal.task_scheme",
        (
            Pattern(
                r"\bapp\W+(?:data\W+)?optimi[sz]ation|\boptimi[sz](?:e|ing)\W+(?:the\W+)?(?:apps"
                r"|products|app\W+data|product\W+data)\b|\bdata\W+optimi[sz]ation\W+(?:tasks?|jobs?)",
                hit_veto=r"performance",
            ),
            Pattern(
                r"\bboost(?:ing)?\W+(?:\w+\W+)?products?\b|\bproduct\W+boost(?:ing|er)?"
                r"|\b(?:app|product|data|order)\W+(?:boosting|submission)s?\b"
            ),
            Pattern(
                r"\btask\W+sets?\b|\bsets?\W+of\W+(?:\d+\W+)?tasks\b"
                r"|\b\d+\W+tasks\W+(?:per|in\W+each|each)\W+(?:set|day)\b"
            ),
            Pattern(
                r"\bcommissions?\W+(?:per|for\W+each|on\W+each|for\W+every|on\W+every|from\W+each)"
                r"\W+(?:task|order|rating|review|click|product|submission|set|app)"
            ),
            Pattern(
                r"\bcombination\W+(?:tasks?|orders?|products?)\b|\bcombo\W+(?:tasks?|orders?)\b"
            ),
            Pattern(
                r"\bunlock\w*\W+(?:\w+\W+){0,2}?(?:tasks?|levels?|vip|orders?|commissions?"
                r"|earnings|withdrawals?)\b"
            ),
            Pattern(r"\bvip\W?(?:level|lv|tier)?\W?\d\b|\bvip\W+(?:level|member(?:ship)?|account)"),
            Pattern(r"\bnegative\W+balance\b|\bsaldo\W+negativo\b"),
            Pattern(
                r"\boptimizacion\W+de\W+(?:apps|aplicaciones|productos|datos)\b|\boptimizar\W+"
                r"(?:\w+\W+)?(?:apps|aplicaciones|productos)\b"
            ),
            Pattern(r"\bconjuntos?\W+de\W+(?:\d+\W+)?tareas\b"),
            Pattern(
                r"\bcomision(?:es)?\W+(?:por|de|en)\W+(?:cada\W+)?(?:tarea|pedido|orden|producto"
                r"|resena|valoracion)"
            ),
            Pattern(r"\btareas\W+combinadas\b|\bpedidos\W+combinados\b|\bordenes\W+combinadas\b"),
            Pattern(
                r"\bdesbloquea(?:r)?\W+(?:\w+\W+){0,2}?(?:tareas|niveles?|vip|pedidos|comisiones"
                r"|retiros?)\b|\bnivel\W+vip\b"
            ),
            Pattern(r"\bimpulsa(?:r)?\W+(?:\w+\W+)?productos\b|\bimpulso\W+de\W+productos\b"),
        ),
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
        "no_experience",
        10,
        "signal.no_experience",
        (
            Pattern(
                r"\bno\W+(?:prior\W+|previous\W+|relevant\W+|professional\W+|work\W+)?experience\b"
                r"|\bwithout\W+(?:any\W+)?(?:prior\W+)?experience\b|\bzero\W+experience\b"
                r"|\bexperience\W+(?:is\W+)?not\W+(?:required|needed|necessary)\b"
                r"|\bsin\W+(?:necesidad\W+de\W+)?experiencia\b|\bno\W+(?:se\W+)?(?:requiere"
                r"|necesita|necesitas|hace\W+falta|es\W+necesaria)\W+(?:\w+\W+)?experiencia\b"
                r"|\bexperiencia\W+no\W+(?:requerida|necesaria)\b"
            ),
        ),
        negatable=False,
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
        "pay.guaranteed",
        20,
        "signal.pay_guaranteed",
        (
            Pattern(
                r"\bguaranteed\W+(?:\w+\W+)?(?:income|pay|payment|earnings|salary|profits?"
                r"|money|returns?|job|position|employment|weekly|daily|monthly)\b"
                rf"|\bguaranteed\W+{AMOUNT}|\b(?:income|earnings|pay|salary)\W+(?:is\W+)?guaranteed\b"
                r"|\b(?:ingresos|ganancias|pago|sueldo|salario|trabajo|empleo)\W+garantizad[oa]s?\b"
                r"|\bgarantizad[oa]s?\W+(?:\w+\W+)?(?:ingresos|ganancias|pago)\b"
                r"|\beasy\W+money\b|\bdinero\W+facil\b|\bquick\W+cash\b|\bearn\W+money\W+fast\b"
                r"|\bganar?\W+dinero\W+rapido\b"
            ),
            Pattern(
                rf"\b(?:earn|make|gana|ganar|ganas)\W+(?:up\W+to\W+|hasta\W+)?{AMOUNT}\W+"
                r"(?:\w+\W+)?(?:per|a|each|every|al|por|diarios?)\W*(?:day|dia)?\b",
                needs=r"\b(?:day|daily|dia|diarios?)\b",
                needs_window=40,
            ),
        ),
    ),
    Rule(
        "urgency",
        10,
        "signal.urgency",
        (
            Pattern(
                r"\bact\W+(?:fast|now|quickly)\b|\burgent(?:ly)?\b|\bimmediate\W+start\b"
                r"|\bstart\W+(?:immediately|today)\b|\blimited\W+(?:slots|spots|positions|places"
                r"|openings|seats)\b|\bonly\W+\d+\W+(?:spots|slots|positions|places|seats)\b"
                r"|\brespond\W+(?:today|now|immediately|within)\b|\bhurry\b|\btoday\W+only\b"
                r"|\bexpires?\W+(?:today|tonight|in\W+\d+\W+hours)\b|\bwithin\W+24\W+hours\b"
                r"|\bdon'?t\W+miss\W+(?:out|this)\b|\burgente\b|\b(?:plazas|cupos|vacantes|lugares)"
                r"\W+limitad[oa]s\b|\bresponde\W+(?:hoy|ya|ahora)\b|\bsolo\W+hoy\b"
                r"|\bincorporacion\W+inmediata\b|\bempieza\W+(?:hoy|ya)\b|\bdate\W+prisa\b"
                r"|\bultimas\W+(?:plazas|vacantes)\b|\bno\W+te\W+lo\W+pierdas\b"
            ),
        ),
        negatable=False,
    ),
)

_RULE_BY_ID = {rule.id: rule for rule in RULES}


class RuleEngine:
    """Every rule's patterns in one RE2 set; context checks only for what fired."""

    def __init__(self, rules: Iterable[Rule] = RULES) -> None:
        self.rules = tuple(rules)
        self._entries: list[tuple[Rule, int, Pattern, re.Pattern[str]]] = []
        self._set = re2.Set.SearchSet()
        for rule in self.rules:
            for index, pattern in enumerate(rule.patterns):
                self._set.Add(pattern.regex)
                self._entries.append((rule, index, pattern, re.compile(pattern.regex)))
        self._set.Compile()
        self._vetoes: dict[str, re.Pattern[str]] = {}

    def _compiled(self, regex: str) -> re.Pattern[str]:
        compiled = self._vetoes.get(regex)
        if compiled is None:
            compiled = self._vetoes[regex] = re.compile(regex)
        return compiled

    def hits(self, folded: str) -> list[Hit]:
        """Every hit that survives its context checks, in text order within each pattern."""
        matched = self._set.Match(folded)
        if not matched:
            return []
        found: list[Hit] = []
        for entry_index in sorted(matched):
            rule, index, pattern, compiled = self._entries[entry_index]
            for match in compiled.finditer(folded):
                if self._accepts(rule, pattern, folded, match.start(), match.end()):
                    weight = pattern.weight if pattern.weight is not None else rule.weight
                    found.append(Hit(rule, index, weight, match.start(), match.end()))
                    break  # one quote per pattern is enough
        return found

    def _accepts(self, rule: Rule, pattern: Pattern, folded: str, start: int, end: int) -> bool:
        if pattern.hit_veto and self._compiled(pattern.hit_veto).search(folded, start, end):
            return False
        if pattern.after_veto and self._compiled(pattern.after_veto).match(folded, end):
            return False
        if pattern.needs:
            window = folded[max(0, start - pattern.needs_window) : end + pattern.needs_window]
            if not self._compiled(pattern.needs).search(window):
                return False
        clause_start, clause_end = clause_bounds(folded, start, end)
        before_words = folded[clause_start:start].split()[-_WINDOW_WORDS:]
        before = " ".join(before_words)
        if rule.negatable and (
            _NEGATION.search(before)
            or _FREE_AFTER.match(folded, end, clause_end)
            or _WARNING.search(folded, max(0, start - _WARNING_WINDOW), clause_end)
        ):
            return False
        if rule.subject_veto and _SUBJECT.search(before):
            return False
        clause = folded[clause_start:clause_end]
        for veto in (rule.veto, pattern.veto):
            if veto and self._compiled(veto).search(clause):
                return False
        return True


def signals_from_hits(hits: list[Hit], original: str) -> list[Signal]:
    """Hits to signals: one per rule, the task-scheme words counted together."""
    by_rule: dict[str, list[Hit]] = {}
    for hit in hits:
        by_rule.setdefault(hit.rule.id, []).append(hit)
    if "crypto.payment" in by_rule:
        by_rule.pop("crypto.mention", None)
    signals: list[Signal] = []
    for rule_id, rule_hits in by_rule.items():
        rule = _RULE_BY_ID.get(rule_id) or rule_hits[0].rule
        rule_hits.sort(key=lambda hit: hit.start)
        quotes = [clip(original[hit.start : hit.end], 60) for hit in rule_hits]
        if rule_id == "task.scheme":
            # One odd word ("task set") is weak; the scheme shows in several together.
            distinct = len({hit.pattern_index for hit in rule_hits})
            weight = min(70.0, rule.weight + 20.0 * (distinct - 1))
            evidence = "; ".join(dict.fromkeys(quotes))
            signals.append(
                Signal(
                    rule_id, weight, clip(evidence, 120), rule.message_key, {"count": str(distinct)}
                )
            )
            continue
        heaviest = max(rule_hits, key=lambda hit: hit.weight)
        signals.append(
            Signal(rule_id, heaviest.weight, quotes[rule_hits.index(heaviest)], rule.message_key)
        )
    return signals


_DEFAULT_ENGINE: RuleEngine | None = None


def default_engine() -> RuleEngine:
    """The shared engine: compiling the RE2 set once per process."""
    global _DEFAULT_ENGINE
    if _DEFAULT_ENGINE is None:
        _DEFAULT_ENGINE = RuleEngine()
    return _DEFAULT_ENGINE


def text_signals(text: str, engine: RuleEngine | None = None) -> list[Signal]:
    """The rule signals of one text (title, company, description and extras joined)."""
    folded = fold(text)
    return signals_from_hits((engine or default_engine()).hits(folded), text)
