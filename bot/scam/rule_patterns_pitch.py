"""Text rules about what the offer promises: task-scam vocabulary, easy money, pressure.

Plain data for the engine in `rules`: each rule's weight is points of risk on the 0-100 scale,
read against the default thresholds in `bot.config` (caution at 30, scam at 60). Sources are
the signal numbers S1-S16 in /work/shared/research/scam-signals.md (FTC, FBI IC3, Appen).
Real AI-trainer postings also say "no experience needed" or "start today", so these rules are
weak alone; only the task-scheme words, counted together, can reach scam.
"""

from __future__ import annotations

from bot.scam.rule_patterns_pay import AMOUNT
from bot.scam.rule_schema import Pattern, Rule

#: S4. Task-scam words: app optimisation, product boosting, task sets, VIP levels (FTC
#: 2024-12-12; FBI IC3). 30 is caution for one word; `signals_from_hits` adds 20 for each
#: further distinct pattern, up to 70, since the scheme shows in several words together.
TASK_SCHEME = Rule(
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
        Pattern(r"\bcombination\W+(?:tasks?|orders?|products?)\b|\bcombo\W+(?:tasks?|orders?)\b"),
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
)

#: S9. Guaranteed income, easy money, "$X per day" (FTC 2021-04: "never respond to ads
#: guaranteeing you will get a job"). 20: below caution alone.
PAY_GUARANTEED = Rule(
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
)

#: S9. "No experience needed". 10: common in real annotation postings, it only adds.
NO_EXPERIENCE = Rule(
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
)

#: S13. Urgency, "act fast", "limited slots" (FTC job-scams sheet). 10: it only adds.
URGENCY = Rule(
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
)
