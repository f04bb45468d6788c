"""Is this text a warning about scams, in an employer's or an agency's voice?

Employers' anti-scam pages and the disclaimers at the foot of real postings name every scam
move ("we will never ask you to pay a fee or interview you on WhatsApp; beware of anyone
who asks for your bank details"). Read as asks, they would look like the worst scams. Such a
text speaks in the employer's voice ("we will never…", "we don't charge", "nunca te
pediremos…"), gives advice ("red flags", "protect yourself", "denuncia") or explains scams
("recruitment fraud is…", "common types of job scams", "Fraud Alert", "it has come to our
attention"); a scammer's message speaks to the reader about a job. In a notice, only concrete
asks count: a sum to pay, a number to add, a chat link. A user's own "is this a scam?" is
neither voice, so their message keeps every signal; nor is a sender's "this is not a scam".
"""

from __future__ import annotations

import re

import re2

__all__ = ["is_scam_warning"]

#: The employer's own promise never to do what scammers do.
_EMPLOYER_NEVER = re.compile(
    r"\b(?:we|recruiters|our (?:recruiters|team|company|staff|hiring managers?)|[a-z]+ will)"
    r" (?:will |would |do |does |shall )?(?:never|not) (?:ask|request|require|charge|contact|"
    r"interview|send|use|offer|solicit|conduct|communicate|demand|make)"
    r"|\bnever (?:asks?|requests?|charges?|requires?) (?:you|candidates|applicants|job seekers)"
    # The same promise contracted: "we don't charge a fee", "our recruiters won't ask".
    r"|\b(?:we|our (?:recruiters|team|company|staff|hiring managers?)) (?:don'?t|won'?t|do not"
    r"|will not) (?:ever )?(?:ask|request|require|charge|contact|interview|solicit|demand)"
    r"|\bnunca (?:te |le |les |os )?(?:pedir[aá]|pediremos|pedimos|solicitamos|solicitaremos"
    r"|solicitar[aá]|cobramos|cobraremos|cobrar[aá]|exigimos|exigir[aá]|contactamos|piden"
    r"|solicitan|cobran|cobra|pide|solicita|exige)"
    r"|\bno (?:te |le |les )?(?:pedimos|solicitamos|cobramos|cobraremos|pediremos|exigimos)"
    r"|\b(?:nobody|no one|no-one) (?:from|at|in) (?:us|our \w+|[a-z]+) will (?:ever )?"
    r"(?:ask|request|charge|contact)"
    r"|\bnadie de (?:nuestro|nuestra|la) \w+ (?:te |le )?(?:pedira|solicitara|cobrara)"
    r"|\bjam[aá]s (?:te |le |les )?(?:pedir[aá]|pediremos|pedimos|solicitamos|cobramos)"
    # "ningún proceso de selección implica cobros", "no process of ours requires a payment"
    r"|\bning[uú]n (?:proceso|tramite|paso|reclutador|empleado)\b[a-z ]{0,40}"
    r"\b(?:implica|requiere|incluye|conlleva) (?:ningun )?(?:cobros?|pagos?|costos?|costes?)"
    # "cualquier oferta enviada por WhatsApp es falsa", "any offer that asks ... is a scam"
    r"|\bcualquier (?:oferta|mensaje|solicitud|contacto|convocatoria)\b[^.;]{0,80}"
    r"\b(?:es|son|sera) (?:falsa|falso|fraudulenta|fraudulento|una estafa|un fraude)"
    r"|\bany (?:offer|message|request|contact|job offer)\b[^.;]{0,80}"
    r"\b(?:is|are) (?:fake|a scam|fraudulent|a fraud|not from us)"
)
#: Advice to readers about scams.
_ADVICE = re.compile(
    r"\b(?:beware|red flags?|warning signs?|protect yourself|stay safe|be cautious|report (?:it|"
    r"this|them|suspicious|fraud|scams?)|how to (?:spot|avoid|recognise|recognize|identify)"
    r"|tips to avoid|signs of (?:a )?(?:scam|fraud)|protegete|senales de (?:alerta|fraude)"
    r"|denuncia(?:lo|r)?|desconfia|como (?:detectar|evitar|identificar|reconocer)"
    r"|consejos para evitar|recomendaciones para (?:evitar|no caer)|alerta de fraude"
    r"|no caigas|ten cuidado|mucho cuidado"
    r"|never (?:pay|send money|give|share|wire)|don'?t (?:pay|send money|give|share|wire)"
    r"|nunca (?:pagues|envies|des|compartas|entregues|deposites)"
    r"|no (?:pagues|envies|des tus|compartas|entregues|deposites)"
    r"|(?:no|ninguna) (?:legitimate|real|empresa)(?: \w+)? (?:employer|company|debe|deberia|pide"
    r"|cobra|te pedira|exige)"
    r"|real employers (?:will )?never|las empresas (?:reales|serias|legitimas) no"
    r"|no hay que (?:dar|pagar|hacer pagos|enviar)|no (?:existen|existe) (?:las )?ofertas"
    r"|nunca (?:pagar|requieren|piden|solicitan|cobran|exigen)|no compartir|denunciar"
    r"|bloquear (?:el|los|al) (?:numero|contacto|mensajes?)"
    r"|never (?:require|requires|request|requests) (?:any )?(?:payment|fees|money)"
    r"|(?:real|genuine|legitimate|legit) (?:employers?|companies|company|offers?|recruiters?)"
    r" (?:will |would )?(?:never|don'?t|do not|won'?t|doesn'?t|does not)"
    r"|ni las empresas ni|(?:pide|piden|recomienda|recomiendan) no (?:entregar|enviar|pagar|dar)"
    r"|cuando sospechar|senales de (?:alarma|advertencia)"
    r"|no (?:cobran|piden|solicitan|cobra|pide|solicita) (?:dinero |pagos |nada )?"
    r"(?:a los |a las )?(?:postulantes|candidatos|candidatas|aspirantes|solicitantes)"
    # The same advice in the forms advisers write it: "usted" ("desconfíe", "no pague"), the
    # infinitive of a list of tips ("desconfiar de", "sospechar si"), and tips' headings.
    r"|desconfie|desconfien|desconfiar|sospechar|sospeche|no se fie|no te fies|ojo con|nieguese"
    r"|no hay que invertir|nunca hay que (?:pagar|invertir)"
    r"|(?:nunca|no) (?:pague|envie|entregue|comparta|deposite|de sus|adelante|adelantes"
    r"|proporciones|proporcione|facilites|facilite|reveles|ingreses|ingrese|inviertas|invierta)"
    r"|consejos (?:para|de seguridad)|recomendaciones|como (?:protegerte|protegerse)"
    r"|verifica (?:la|el|que|siempre)|verifique|reporta(?:lo)?|reportalo|reporte (?:el|la|los)"
    r"|red flag|tips|how to protect|stay vigilant|remain vigilant|be wary|be sceptical"
    r"|be skeptical|verify (?:the|that|their|it|them)|never deposit|report (?:the|any|to)"
    r"|legitimate employers (?:never|don'?t|do not|typically|usually|will not|won'?t)"
    # Checks and precautions in the imperative, and the conditional of a warning: "confirm
    # the recruiter through official channels", "avoid upfront payments", "protect personal
    # information", "if they want you to pay, stop", "si te piden dinero".
    r"|official (?:channels?|careers? (?:page|site|website)|website)|canales oficiales"
    r"|(?:pagina|sitio|web) oficial|how to (?:verify|know|tell)|como (?:saber|verificar)"
    r"|avoid (?:upfront|paying|sending|sharing|giving|any|offers)"
    r"|evit(?:a|e|ar) (?:pagar|enviar|compartir|dar|entregar|los pagos|ofertas)"
    r"|protect (?:your|personal)|proteg(?:e|er|a) (?:tus|sus|tu|su)"
    r"|confirm (?:the|that|their) (?:company|recruiter|offer|employer|identity)"
    r"|if (?:they|someone|anyone|a recruiter|an employer|a company) (?:asks?|wants?|sends?"
    r"|offers?|requests?|refuses?|pressures?|pushes)"
    r"|si (?:te|le|alguien|una empresa|un reclutador|se) (?:piden?|solicitan?|exigen?|cobran?"
    r"|ofrecen?|envian?|presionan?)"
    # Signs listed for the reader: "signs of a fraudulent job offer", "signs you are a
    # victim", "6 indicadores para detectar una oferta de trabajo falsa".
    r"|signs (?:that )?(?:you are|you're|you have been|you've been|you may be)"
    r"|signs of (?:a |an )?(?:fraudulent|fake|bogus|scam|suspicious)"
    r"|make sure (?:that )?(?:the|their|its) (?:sender|e-?mail|address|company|recruiter"
    r"|offer|domain|website)"
    r"|(?:sounds?|seems?|looks?|is|are) too good to be true"
    r"|(?:para|como) (?:detectar|identificar|reconocer|evitar|distinguir) (?:una |un |las |los )?"
    r"(?:ofertas?|estafas?|fraudes?|empleos?|trabajos?|anuncios?)"
    r"|(?:indicadores|senales|pistas|claves) (?:para|de) (?:detectar|identificar|reconocer"
    r"|una oferta|un fraude|una estafa|engano|fraude|estafa)"
    # Teaching the reader to tell: "aprende a identificar las falsas ofertas", "banderas
    # rojas", "comprueba que la empresa existe", "learn how to spot a fake recruiter".
    r"|aprende a (?:detectar|identificar|reconocer|evitar|distinguir)"
    r"|learn (?:how )?to (?:spot|identify|recognise|recognize|avoid|tell)"
    r"|banderas? rojas?|comprueba (?:que|si) (?:la|el|los|las) (?:empresa|reclutador|oferta"
    r"|vacante|correo|pagina))\b"
)
#: An explainer's voice: a text that defines scams, catalogues their kinds or signs, or speaks
#: as the firm that fights them ("recruitment fraud is…", "common types of job scams", "Fraud
#: Alert", "pay to work scams: …", "we take this seriously and work with the authorities").
#: A scammer's message offers a job; it never explains what a scam is.
_EXPLAINS = re2.compile(
    r"\b(?:(?:recruitment|job|employment|hiring|recruiting|task|job offer|work from home)"
    r" (?:fraud|scams?) (?:is|are|occurs?|happens?|involves?|refers? to|typically|usually|often"
    r"|targets?|preys? on)"
    r"|(?:the )?(?:usual|typical|common) (?:pattern|scenario|script|sequence)"
    # Scammers spoken of in the third person, as a kind: "los ciberdelincuentes simulan
    # ofertas", "los estafadores crean perfiles falsos". (Its English twin, "scammers
    # impersonate recruiters", also opens the press's and police's descriptions of one
    # scheme: on the development parts it read 3 scam descriptions as warnings, and 2 of
    # them fell to ok, for 1 legit notice.)
    r"|(?:los )?(?:estafadores|timadores|ciberdelincuentes|delincuentes) (?:usan|utilizan"
    r"|suelen|simulan|crean|se hacen pasar|pueden|buscan|aprovechan|intentan)"
    r"|(?:puedes|puede|podras|podra) (?:detectar|identificar|reconocer|evitar)"
    r"|what (?:is|are) (?:a |an )?(?:recruitment|job|employment|hiring|task) (?:fraud|scams?)"
    r"|also (?:known as|called) (?:[a-z]+ ){0,2}(?:scams?|fraud)"
    r"|(?:common|typical|most common|main|frequent|usual|known) (?:[a-z]+ )?(?:types?|forms?"
    r"|kinds?|methods?|tactics?|schemes?|signs?|scams?|frauds?|fraud types)"
    r"|(?:types|forms|kinds) of (?:[a-z]+ )?(?:scams?|fraud)"
    r"|(?:fraud|scam|scams|recruitment fraud|job scam|recruitment scam) (?:alerts?|awareness)"
    r"|we take (?:this|it|these|the matter|this matter|such \w+|fraud) (?:very )?seriously"
    r"|(?:working|work|cooperating) (?:closely )?with (?:the )?(?:appropriate |relevant |local )?"
    r"(?:authorities|law enforcement|police)"
    r"|against our (?:practices|policy|policies|values)"
    r"|be (?:suspicious|alert|on guard|on the lookout|aware|vigilant)|stay alert"
    r"|(?:exercise|use) caution|proceed with (?:extreme )?caution"
    # The firm speaking of the fraud done in its name and of how it really hires: "it has come
    # to our attention", "we will only contact you from @…", "not affiliated with".
    r"|(?:come|been brought|been drawn) to our attention|our attention (?:has been|was) drawn"
    r"|we (?:have been|are|were|became) (?:made )?aware (?:of|that)"
    r"|we (?:will )?only (?:contact|communicate|send|use|recruit|interview|post)"
    r"|(?:all|any) (?:genuine|legitimate|official|real) (?:communications?|e-?mails?|offers?"
    r"|job offers?|offer letters?) (?:will |are |is )?(?:come|sent|issued|made|be sent)"
    r"|at no (?:stage|point|time) (?:of|during|in|will|do|does|would)"
    r"|(?:is|are) not (?:affiliated|associated|connected) with"
    r"|ha llegado a nuestro conocimiento|hemos (?:detectado|tenido conocimiento)"
    r"|(?:solo|unicamente|solamente) (?:nos comunicamos|contactamos|te contactaremos"
    r"|publicamos|reclutamos)|en ningun momento (?:te |le |les )?(?:pediremos|solicitaremos"
    r"|pedimos|solicitamos|cobramos|cobraremos)"
    r"|no (?:esta|estamos) (?:afiliad|asociad|vinculad)[oa]s? (?:a|con)"
    r"|(?:el|la|los|las|un|una) (?:fraudes?|estafas?|timos?)(?: laboral(?:es)?| de empleo"
    r"| de trabajo| de reclutamiento)? (?:es|son|consiste|consisten|ocurre|se produce)"
    r"|que es (?:el|la|un|una) (?:fraude|estafa|timo)"
    r"|(?:tipos|formas|modalidades|metodos) (?:mas comunes )?de (?:estafas?|fraudes?|timos?)"
    r"|(?:estafas?|fraudes?|timos?)(?: laborales| de empleo)? (?:mas )?(?:comunes|frecuentes"
    r"|habituales)"
    r"|(?:alerta|aviso) (?:de|sobre|contra) (?:fraudes?|estafas?)"
    r"|(?:nos )?tomamos (?:esto |este asunto |el asunto )?(?:muy )?en serio"
    r"|(?:colaborando|trabajando|trabajamos|colaboramos) con las autoridades"
    r"|en contra de nuestras politicas"
    r"|(?:mantente|estate|este|mantengase) alerta)\b"
)
#: A kind of scam named as a sentence's heading: "Pay to work scams: …", "SMS scams: …"; not
#: "This is a scam: …" (`_NOT_A_HEADING`).
_HEADING = re2.compile(r"(?:^|[.;\n])\s*((?:[a-z]+ ){1,3})(?:scams?|fraud): ")
_NOT_A_HEADING = frozenset(
    ("this", "that", "it", "is", "are", "was", "a", "an", "the", "total", "real")
)
_SCAM_WORD = re2.compile(r"\b(?:scam|scams|fraud\w*|fake|impostors?|phishing|estafa\w*|fraude\w*"
                        r"|falsa?s?|suplanta\w*|enga[nñ][aoe]\w*|sospech\w*|timos?|timador\w*"
                        r"|fraudsters?|scammers?)\b")  # fmt: skip


#: A sender's reassurance that their offer is no scam: "this is not a scam", "100% legit, no
#: fraud", "no es una estafa". It names a scam only to deny it, as scammers' scripts do.
_DENIAL = re2.compile(
    r"\b(?:not|no|isn'?t|is no|never) (?:a |an |any )?(?:scam|scams|fraud|fake)\b"
    r"|\bno (?:es|somos|hay) (?:una |un |ninguna |ningun )?(?:estafa|fraude|timo|falsa|falso)\b"
)


def is_scam_warning(folded: str) -> bool:
    """Whether `folded` (lower case, no accents) warns about scams in an employer's or an
    adviser's voice."""
    if not _SCAM_WORD.search(folded):
        return False
    if _DENIAL.search(folded) and not _SCAM_WORD.search(_DENIAL.sub(" ", folded)):
        return False
    if _EMPLOYER_NEVER.search(folded):
        return True
    voices = set(match.group() for match in _ADVICE.finditer(folded))
    if len(voices) >= 2:
        return True
    voices.update(match.group() for match in _EXPLAINS.finditer(folded))
    voices.update(
        match.group(1)
        for match in _HEADING.finditer(folded)
        if _NOT_A_HEADING.isdisjoint(match.group(1).split())
    )
    return len(voices) >= 2
