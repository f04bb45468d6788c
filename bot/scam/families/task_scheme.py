"""Task schemes: paid to like, follow, rate, review or "optimise" things, per task.

The task scam (FTC 2024-12-12: ~40 % of job-scam reports in 2024; FBI IC3 PSA 2024-06-04;
Policía Nacional's "estafa de los likes") pays small sums for trivial clicks, shows a rising
balance in task "sets" and "VIP levels", then asks for deposits. One task word is weak (a real
rater "rates" things); the scheme shows in a paid click, or in several of its words together.
"""

from __future__ import annotations

from bot.scam.cues import Cue, slot
from bot.scam.families.base import Family
from bot.scam.families.words import EARN
from bot.scam.lexicon import concept
from bot.scam.textmarks import MONEY

#: Clicks paid as work. "Like", "follow" and "rate" are ordinary verbs, so only the forms
#: that name the click itself count: "give likes", "like videos", "dar me gusta".
CLICK = concept(
    "task_scheme.click",
    en="give likes | like videos | like posts | like the videos | like the posts"
    " | follow accounts | follow pages | follow channels | subscribe to channels | thumbs up"
    " | 5-star reviews | five-star reviews | 5-star ratings | five-star ratings | upvotes"
    " | watch videos | watching videos | view videos | watch youtube | youtube videos"
    " | screenshot | screenshots | hotel reviews | product reviews | movie reviews | rate hotels"
    " | rate products | rate movies | rate apps | rating hotels | rating products"
    " | rating movies | writing reviews | write reviews | positive reviews | fake reviews"
    " | boost views | increase views | video views | stream songs | promote songs"
    " | like and subscribe | leave reviews | leave a review | leaving reviews | post reviews"
    " | posting reviews | comment on posts | like and comment | rate videos | review products"
    " | review hotels | evaluate hotels",
    es="dar like | dar likes | dar me gusta | darle me gusta | un me gusta"
    " | los me gusta | seguir cuentas | seguir perfiles | seguir páginas | seguidores"
    " | suscribirse a canales | cinco estrellas | 5 estrellas | ver videos | ver vídeos"
    " | ver publicidad | ver anuncios | captura de pantalla | capturas de pantalla"
    " | pantallazo | pantallazos | reseñas de hoteles | calificar productos"
    " | valorar productos | calificar hoteles | calificar películas | reseñas positivas"
    " | escribir reseñas | calificar restaurantes | valorar restaurantes | dale like"
    " | dale likes | dales like | da like | dale me gusta | darles me gusta | visualizaciones"
    " | reproducciones | subir las visualizaciones | promover canciones | promover sus canciones"
    " | escuchar canciones | mandar captura | manda captura | mándanos captura | envía captura"
    " | envíanos captura | enviar captura | manda la captura | envía la captura"
    " | dejar reseñas | dejar una reseña | dejar comentarios | dar vistas | dar visualizaciones"
    " | comentar publicaciones | comentar videos | comentar vídeos | calificar videos"
    " | calificar vídeos | reseñas de productos | valoraciones positivas | seguir canales"
    " | dar a me gusta | das a me gusta | darle a me gusta | dale a me gusta | dan a me gusta"
    " | screenshot | screenshots | evaluar hoteles | reseñar hoteles | reseñas de alojamientos",
    names="likes | upvotes | megusta",
)
OPTIMISE = concept(
    "task_scheme.optimise",
    en="app optimization | app optimisation | product optimization | product optimisation"
    " | data optimization | product boosting | boost products | boosting products | app boosting"
    " | order boosting | submit orders | grab orders | order grabbing | rating tasks"
    " | improve product rankings | boost sales ranking | boost their ranking"
    " | pay for more exposure | pay for exposure | gain visibility | increase their exposure",
    es="optimización de aplicaciones | optimización de productos | optimizar productos"
    " | optimizar aplicaciones | impulsar productos | impulso de productos"
    " | calificar aplicaciones | optimización de datos | mejorar el ranking de ventas"
    " | mejorar la reputación de productos | ayudar a las tiendas a vender | aceptar pedidos"
    " | pagan por ganar visibilidad | ganar visibilidad | pagar por visibilidad"
    " | mayor exposición | aumentar su exposición | aumentar la visibilidad",
    names="optimize apps | optimise apps | optimizing apps | optimising apps"
    " | optimize products | optimise products | optimizing products | optimising products",
)
#: What a developer optimises: "app optimization and performance" is engineering work.
ENGINEERING = concept(
    "task_scheme.engineering",
    en="performance | speed | latency | crashes | load time | bundle | code | memory | battery",
    es="rendimiento | velocidad | latencia | código | memoria | batería",
)
TASK_SETS = concept(
    "task_scheme.sets",
    en="task set | task sets | sets of tasks | set of tasks | combination task"
    " | combination tasks | combo order | task wallet | prepaid task",
    es="conjunto de tareas | conjuntos de tareas | grupo de tareas | tareas combinadas"
    " | pedidos combinados | tareas tipo 2 | tarea tipo 2 | tareas tipo 1 | tarea tipo 1",
)
LEVELS = concept(
    "task_scheme.levels",
    en="vip level | vip levels | vip1 | vip2 | vip3 | vip 1 | vip 2 | vip 3 | negative balance"
    " | next level | welfare funds",
    es="nivel vip | niveles vip | saldo negativo | siguiente nivel | grupos superiores",
)
PER_TASK_COMMISSION = concept(
    "task_scheme.commission",
    en="commission per task | commission per order | commission for each task"
    " | commission on each order | commission per rating | commission per review",
    es="comisión por tarea | comisión por pedido | comisión por cada tarea"
    " | comisión por orden | comisión por reseña",
)
#: Buying in a shop to lift its sales, the money back "with a commission": "hacer de clienta:
#: comprar productos poniendo tu plata", "act as a customer and buy with your own money".
BUY_PRODUCTS = concept(
    "task_scheme.buy_products",
    en="buy products with your own money | buy products with your money | act as a customer"
    " | pose as a customer | fake purchases | fake orders | simulated purchases",
    es="comprar productos con tu dinero | comprar productos con su dinero | comprar productos"
    " con tu plata | comprar productos poniendo | productos para comprar | compras ficticias"
    " | compras simuladas | pedidos ficticios | hacer de cliente | hacer de clienta",
)
COMMISSION = concept(
    "task_scheme.commission_word",
    en="commission | commissions",
    es="comisión | comisiones",
)
ROLES = concept(
    "task_scheme.roles",
    en="receptionist | task mentor | task tutor | task code | job code | credit score"
    " | trial task | test task",
    es="recepcionista | mentor de tareas | asesor de tareas | tutor de tareas"
    " | encargo de prueba | tarea de prueba | código de trabajo | código del trabajo"
    " | puntuación de crédito",
)
#: Money offered for the clicks, named without a sum: "they offer a lot of money for simple
#: tasks like watching videos", "te dan dinero por dejar reseñas".
REWARD = concept(
    "task_scheme.reward",
    en="money | cash | paid | pays | pay",
    es="dinero | plata | lana | efectivo | pagan | paga",
)
PER_CLICK = concept(
    "task_scheme.per",
    en="per | each | every | for each | for every",
    es="por | cada | por cada",
)

TASK_SCHEME = Family(
    "task_scheme",
    "signal.task_scheme",
    (
        Cue(
            "paid clicks",
            (slot(CLICK.bit),),
            40,
            needs=MONEY.bit | EARN.bit | REWARD.bit,
            needs_window=14,
        ),
        Cue("money per click", (slot(MONEY.bit), slot(PER_CLICK.bit), slot(CLICK.bit)), 50, gap=2),
        Cue("optimising products or apps", (slot(OPTIMISE.bit),), 35, unless=ENGINEERING.bit),
        Cue("task sets", (slot(TASK_SETS.bit),), 35),
        Cue("VIP levels", (slot(LEVELS.bit),), 35),
        Cue("commission per task", (slot(PER_TASK_COMMISSION.bit),), 35),
        Cue(
            "buying products for a commission",
            (slot(BUY_PRODUCTS.bit),),
            40,
            needs=COMMISSION.bit,
            needs_window=25,
        ),
        Cue("task-scam roles", (slot(ROLES.bit),), 15),
    ),
    per_extra_cue=15.0,
    max_weight=70.0,
)
