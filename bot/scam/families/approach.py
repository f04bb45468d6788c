"""How the scam approaches: unsolicited picks, recruiting friends, remote access, pressure.

Each of these also happens in real hiring (Outlier and Scale recruit cold on LinkedIn,
Mercor pays referral bonuses, real jobs are urgent), so they are weak alone and add to the
stronger families; remote-access software on the applicant's own device is the exception
(a fake "onboarding" that takes over a bank session), and weighs caution alone.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.words import EARN
from bot.scam.lexicon import concept

PICKED = concept(
    "unsolicited.picked",
    en="your profile was selected | your resume was selected | your cv was selected"
    " | your profile has been selected | you have been selected | you've been selected"
    " | you were selected | we found your resume | we found your profile | we came across your"
    " profile | we got your number | we obtained your contact | recommended by"
    " | recommended you | multiple recruitment agencies | recruitment agencies recommended"
    " | can i share | may i share | may i send | can i send you | could i share"
    " | are you interested in a part-time | are you interested in part-time"
    " | reply yes | reply with yes | reply interested | text yes | respond yes"
    " | congratulations you have been | i am a recruiter from | i'm a recruiter from"
    " | this is a recruiter from | we reviewed your resume | saw your resume online"
    " | we saw your resume | we saw your cv | we got your resume | we have your resume"
    " | reply if interested | reply if you are interested | selected candidate"
    " | from your school database | your school database | you are hired | you're hired"
    " | you have been hired | no interview | no interview required | without an interview"
    " | hired without an interview",
    es="tu perfil ha sido seleccionado | tu perfil fue seleccionado | has sido seleccionado"
    " | has sido seleccionada | ha sido seleccionado | ha sido seleccionada | te hemos seleccionado"
    " | fuiste seleccionado | fuiste seleccionada | usted ha sido seleccionado"
    " | hemos recibido tu currículum | hemos recibido su currículum | vimos tu perfil"
    " | vimos tu currículum | encontramos tu perfil | revisamos tu perfil | hemos visto tu perfil"
    " | me regala unos minutos | me regalas unos minutos | me regala un minuto"
    " | puedo hablar contigo | puedo hablar con usted | tiene unos minutos | tienes unos minutos"
    " | le interesa un trabajo | te interesa un trabajo | te interesaría un trabajo"
    " | responde sí | responda sí | felicidades usted | felicidades has | te recomendaron"
    " | le recomendaron | agencias de reclutamiento | te interesa saber | le interesa saber"
    " | te interesaría saber | le interesaría saber | te interesaría trabajar"
    " | estás contratado | estás contratada | has sido contratado | has sido contratada"
    " | sin entrevista | contratación inmediata | contratación directa"
    " | soy reclutador de | soy reclutadora de | soy reclutador en | soy reclutadora en"
    " | puedo compartir | te puedo compartir | le puedo compartir | puedo compartirte"
    " | puedo enviarte | te puedo enviar | le puedo enviar",
)
REFER = concept(
    "recruit_others.refer",
    en="invite | invites | refer | referral | recruit | bring | introduce | share your link"
    " | downline | team members",
    es="invitar | invita | invites | referir | referido | referidos | reclutar | recluta"
    " | traer | trae | afiliar | afiliados | tu enlace | tu link | tu código de invitación",
)
PEOPLE = concept(
    "recruit_others.people",
    en="friends | friend | people | others | family | members | new members | person",
    es="amigos | amigas | amigo | personas | gente | familiares | miembros | conocidos"
    " | nuevos miembros | persona",
)
REMOTE_APP = concept(
    "remote_access.app",
    en="anydesk | teamviewer | quicksupport | quick support | rustdesk | ultraviewer"
    " | remote desktop | remote access | screen sharing app | airdroid | supremo | splashtop"
    " | apk",
    es="anydesk | teamviewer | quicksupport | rustdesk | ultraviewer | escritorio remoto"
    " | acceso remoto | control remoto | apk",
)
INSTALL = concept(
    "remote_access.install",
    en="install | download | set up | run | open | give access | grant access",
    es="instalar | instala | descargar | descarga | bajar | abrir | dar acceso",
)
#: Fake job ads on social networks ask for engagement, not applications: "comment HELP
#: and the details will be sent to your inbox; share this post".
ENGAGEMENT = concept(
    "unsolicited.engagement",
    en="comment help | comment interested | comment yes | comment your location"
    " | comment your city | comment 'help' | share this post | share the post | like and share"
    " | sent to your inbox | send you the details by inbox",
    es="comenta ayuda | comenta interesado | comenta interesada | comenta sí | comenta tu ciudad"
    " | comenta tu ubicación | comparte la publicación | comparte esta publicación"
    " | te envío la información por inbox | te mando los detalles por inbox",
)
HURRY = concept(
    "pressure.hurry",
    en="act fast | act now | urgent | urgently | immediate start | start today | limited slots"
    " | limited spots | limited positions | only a few spots | respond today | hurry"
    " | today only | expires today | within 24 hours | don't miss | last chance | asap",
    es="urgente | plazas limitadas | cupos limitados | vacantes limitadas | responde hoy"
    " | solo hoy | incorporación inmediata | empieza hoy | date prisa | últimas plazas"
    " | no te lo pierdas | última oportunidad | cupo limitado | quedan pocos lugares",
)

UNSOLICITED = Family(
    "unsolicited",
    "signal.unsolicited",
    (
        Cue("picked without applying", (slot(PICKED.bit),), 15, negatable=False),
        Cue("comment to apply", (slot(ENGAGEMENT.bit),), 25, negatable=False),
    ),
)
RECRUIT_OTHERS = Family(
    "recruit_others",
    "signal.recruit_others",
    (
        Cue(
            "paid to bring people",
            (slot(REFER.bit), slot(PEOPLE.bit)),
            25,
            gap=4,
            needs=EARN.bit,
            needs_window=12,
        ),
    ),
)
REMOTE_ACCESS = Family(
    "remote_access",
    "signal.remote_access",
    (
        Cue("install remote access", (slot(INSTALL.bit), slot(REMOTE_APP.bit)), 40, gap=5),
        Cue("remote-access software", (slot(REMOTE_APP.bit),), 30),
    ),
)
PRESSURE = Family(
    "pressure",
    "signal.pressure",
    (Cue("hurry", (slot(HURRY.bit),), 10, negatable=False),),
)
