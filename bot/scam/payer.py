"""Who pays whom around a money verb: the reading that decides whether "pay" is an ask.

A fee is money the applicant pays. The same verbs also say the opposite: the employer paying
("we pay for your training", "cubrimos el curso"), someone else paying ("help customers top up
their balance"), the worker being paid ("you are paid a fee per shop", "te pagan 500 pesos",
"los censistas cobrarán $6.000", "paid training", "LinkedIn pays people to train AI"), or no
ask at all ("pay less tax"). The cues (`bot.scam.cues`) ask these of a match before counting
it.
"""

from __future__ import annotations

from bot.scam.lexicon import concept
from bot.scam.textmarks import MONEY
from bot.scam.textview import TextView, Token

__all__ = ["OTHERS", "WE", "YOU", "employer_pays", "paid_by_charge", "paid_to_you"]

WE = concept(
    "context.we",
    en="we | we'll | we've | we'd | us | our company | the company | our team | employer",
    es="nosotros | nosotras | la empresa | nuestra empresa | el empleador | la compañía",
)
#: Someone else paying: "help customers top up their balance" is a support job.
OTHERS = concept(
    "context.others",
    en="customers | clients | users | players | merchants | patients | buyers | sellers",
    es="clientes | usuarios | jugadores | comerciantes | pacientes | compradores | vendedores",
)
YOU = concept(
    "context.you",
    en="you | you'll | you'd | your | yourself | applicant | candidate | i | me | my",
    es="tú | tu | usted | te | ti | vos | tus | su | candidato | candidata | yo | me | mi",
)


#: Being paid, not paying: "you are then paid a fee for each shop".
_PASSIVE = frozenset(("are", "is", "be", "been", "being", "get", "gets", "got", "getting", "was"))
#: Those an employer pays, named right after the verb: "LinkedIn pays people to train AI".
#: Not a pronoun: "pay him $200 for the kit" is the applicant paying a scammer.
_PAYEES = frozenset((
    "people", "professionals", "workers", "experts", "trainers", "annotators", "raters",
    "contractors", "freelancers", "humans", "users", "members", "testers", "participants",
    "contributors", "taskers", "tutors",
))  # fmt: skip
#: Who does the paying when the verb is one: "you paid the training fee", "had paid".
_PAYER_WORDS = frozenset((
    "i", "you", "we", "they", "he", "she", "who", "had", "have", "has", "already", "just",
    "also", "then", "and", "to", "me", "us", "not", "never", "once", "after", "before",
    "each", "all", "both", "applicants", "victims", "candidates", "jobseekers",
))  # fmt: skip
_DETERMINERS = frozenset((
    "a", "an", "the", "my", "your", "our", "their", "his", "her", "for", "this", "that", "any",
    "some", "each", "every", "all", "it", "them", "up", "out", "back", "off", "in",
))  # fmt: skip
#: A sum compared rather than asked: "pay less tax", "paying more fees than a salaried
#: worker".
_COMPARED = frozenset(("less", "more", "lower", "higher", "fewer", "little", "much"))
#: Spanish pronouns of the one paid, right before a third-person "paga": "te pagan $500 por
#: la capacitación" is the employer paying you; "te piden pagar" keeps "pagar" bare.
_CLITICS = frozenset(("te", "le", "les", "me", "nos", "os", "se"))
#: Not "pago" or "abono": folded, "le pagó" (he paid him) is "le pago" (I pay him), a
#: victim's own payment.
_THIRD_PERSON_PAY = frozenset((
    "paga", "pagan", "pagara", "pagaran", "pagaron", "pagaba", "pagaban", "pagaria",
    "pagarian", "abona", "abonan", "abonara", "abonaran", "abonaron",
))  # fmt: skip


def paid_to_you(view: TextView, verb: Token) -> bool:
    """Whether the money verb is money the worker receives, or no ask at all: a passive
    "paid" ("you are paid a fee per shop"), "paid" as an adjective ("paid pre-project
    training"), a payee after the verb ("pays people to train AI"), a Spanish pronoun of the
    one paid before it ("te pagan", "les pagaron"), or a comparison ("pay less tax")."""
    words, place = view.words, verb.index
    after = words[place + 1] if place + 1 < len(words) else ""
    if after in _PAYEES or after in _COMPARED:
        return True
    if verb.text in _THIRD_PERSON_PAY and place > 0 and words[place - 1] in _CLITICS:
        return True
    if verb.text != "paid":
        return False
    earlier = words[max(0, place - 2) : place]
    if not _PASSIVE.isdisjoint(earlier):
        return True
    before = earlier[-1] if earlier else ""
    # An adjective heads its noun directly: "paid training", "paid pre-project training";
    # a verb takes a sum or a determiner ("each paid GH¢30", "paid the fee").
    following = view.token_at(place + 1)
    if following is not None and following.bits & MONEY.bit:
        return False
    return before not in _PAYER_WORDS and after not in _DETERMINERS and after.isalpha()


#: Workers named as the subject of a bare "cobrar": then they are the ones paid.
_WORKERS_ES = frozenset((
    "trabajadores", "trabajadoras", "trabajador", "trabajadora", "censistas", "censista",
    "empleados", "empleadas", "empleado", "empleada", "quienes", "repartidores", "repartidor",
    "colaboradores", "becarios", "becarias", "encuestadores", "encuestadoras", "anotadores",
    "moderadores", "moderadoras", "participantes", "voluntarios", "profesionales", "asesores",
    "teleoperadores", "teleoperadoras", "freelancers", "autonomos", "jornaleros", "tutores",
    "traductores", "transcriptores", "evaluadores", "etiquetadores", "becario", "participante",
))  # fmt: skip
_SUBJECT_REACH = 6  # how many words before "cobrar" its subject may be


def paid_by_charge(view: TextView, verb: Token) -> bool:
    """Whether a Spanish "cobrar" has workers for its subject and names nobody charged, and
    so is the workers being paid: "los censistas cobrarán $6.000", "quienes trabajaron
    cobrarán entre $1.500 y $50.000". Bare, it mostly charges: "cobran exámenes médicos",
    "cobran desde 25 dólares por el proceso"; and so do "te cobran", "cobrarle"."""
    text, place = verb.text, verb.index
    if not text.startswith("cobr") or place == 0 or view.words[place - 1] in _CLITICS:
        return False
    subject = view.words[max(0, place - _SUBJECT_REACH) : place]
    return not _WORKERS_ES.isdisjoint(subject)


def employer_pays(before: list[Token], verb: Token) -> bool:
    """Whether the nearest payer named before the money verb is the employer ("we pay",
    "cubrimos") or someone else ("help customers top up"), not the applicant ("we need you
    to pay")."""
    if verb.text.endswith("mos") and len(verb.text) > 5:
        return True  # Spanish first person plural: "pagamos", "cubrimos", "enviamos"
    for token in reversed(before):
        if token.bits & YOU.bit:
            return False
        if token.bits & (WE.bit | OTHERS.bit):
            return True
        if token.text.endswith("mos") and len(token.text) > 5:
            return True
    return False
