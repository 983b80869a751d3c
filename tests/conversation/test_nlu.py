"""What a resident notices from one message: the right number in an emergency, the street,
the category, and no crash on odd input."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bia.conversation.details import detect_language, normalize_plate
from bia.conversation.nlu import LocalNlu, NluBackend, get_nlu

AT = datetime.fromisoformat("2026-07-26T23:30:00+02:00")


@pytest.mark.parametrize(
    ("text", "category", "number"),
    [
        (
            "des jeunes font du bruit et un s'est fait frapper devant le bar",
            "agression_violence",
            "17",
        ),
        ("deux mecs se battent au couteau rue Gambetta", "agression_violence", "17"),
        ("au feu ! de la fumée sort du 3e étage", "incendie", "18"),
        ("ça sent le gaz très fort dans l'escalier", "incendie", "18"),
        ("ma voisine ne respire plus, elle est par terre", "urgence_medicale", "15"),
        ("un nageur se noie près des rochers, il fait des signes", "secours_mer", "196"),
        (
            "il y a quelqu'un dans ma maison, j'entends du bruit en bas, je suis cachée",
            "vol_cambriolage",
            "17",
        ),
        ("un piéton vient d'être renversé, il saigne et ne bouge plus", "accident", "18"),
        # "une personne" is a noun here, not the negation "personne n'est…"
        ("une personne fait un arrêt cardiaque devant la pharmacie", "urgence_medicale", "15"),
        ("quelqu'un est tombé d'un échafaudage rue Mazagran", "urgence_medicale", "15"),
        ("ma fille a été piquée par une guêpe et gonfle de partout", "urgence_medicale", "15"),
        ("mon ado a pris des cachets et ne se réveille pas", "urgence_medicale", "15"),
        ("mon fils parle de se tuer, il s'est enfermé dans sa chambre", "urgence_medicale", "15"),
        ("mon mari dit qu'il va me tuer, je suis dans la salle de bain",
         "violences_intrafamiliales", "17"),
        ("le chien du voisin a mordu mon fils, il saigne", "animal", "17"),
        ("mon mari m'a frappée, je saigne", "violences_intrafamiliales", "17"),
        ("ça sent très fort le gaz dans toute la cage d'escalier", "incendie", "18"),
        ("quelqu'un dans l'eau au pied des rochers appelle au secours, les vagues le tapent",
         "secours_mer", "196"),
        ("chut, quelqu'un est entré chez moi, je l'entends fouiller en bas", "vol_cambriolage",
         "17"),
        ("mon mari est dans la pièce à côté, il dit qu'il va me tuer ce soir",
         "violences_intrafamiliales", "17"),
        ("un mec est en train de découper l'antivol d'un vélo à la gare, là maintenant",
         "vol_cambriolage", "17"),
        ("ma maman s'est coupée avec le gros couteau et il y a beaucoup de sang",
         "urgence_medicale", "15"),
        ("Mi hija se ha tragado pastillas de la abuela y no la puedo despertar",
         "urgence_medicale", "15"),
        ("My friend took something at the party, he's shaking and his lips look blue",
         "urgence_medicale", "15"),
        ("Ma fille s'est renversé la casserole d'eau bouillante sur le bras, la peau part",
         "urgence_medicale", "15"),
        ("ils sont trois à me coincer au fond du passage, ils disent qu'ils vont me défoncer",
         "agression_violence", "17"),
        ("Someone's been following me since I left the bar and he keeps getting closer",
         "agression_violence", "17"),
        ("Un grupo está pegando a un chico en el suelo, le dan patadas en la cabeza",
         "agression_violence", "17"),
        ("Un niño en un flotador se está alejando mar adentro con el viento", "secours_mer", "196"),
        ("AU SECOURS mon bébé s'étouffe avec un morceau de pomme il devient bleu",
         "urgence_medicale", "15"),
        ("la voisine de 89 ans appelle à l'aide derrière sa porte depuis ce matin",
         "urgence_medicale", "15"),
        ("cambrioleurs en train de vider la villa d'à côté, camionnette blanche devant",
         "vol_cambriolage", "17"),
        ("Un hombre acaba de robar el bolso a mi madre, lo estoy siguiendo, todavía está andando "
         "por la calle", "vol_cambriolage", "17"),
        ("un vigile du casino m'a frappé, je saigne du nez", "agression_violence", "17"),
    ],
)
def test_emergencies_get_the_right_number(
    nlu: LocalNlu, text: str, category: str, number: str
) -> None:
    a = nlu.analyze(text, AT)
    assert a.emergency and a.emergency_number == number
    assert a.category == category


@pytest.mark.parametrize(
    "text",
    [
        "un automobiliste m'a insulté après un accrochage, il est reparti, personne n'est blessé",
        "on m'a volé mon vélo hier soir devant la gare",
        "accrochage sur le parking, pas de blessé, juste de la tôle",
        "les voisins font la fête avec la musique à fond",
        "oui",
        "une personne âgée nourrit les pigeons tous les jours sur son balcon",
        "un chien errant blessé à la patte près de la plage",
        "mon voisin fait des barbecues tous les week-ends, la fumée rentre dans ma chambre",
        "des jeunes squattent le hall, ils sont assis dans l'escalier, ça fume, on n'ose plus rentrer",
        "deux faux agents vendent des détecteurs de fumée à 90 euros en porte-à-porte",
        "C'est quoi le numéro pour une fuite de gaz ? Je sens rien, c'est juste pour le noter",
        "les voitures garées sur la piste cyclable, les vélos doivent se jeter sur la route",
        "mon ex m'a frappée l'an dernier, je ne suis pas en danger là, il ne sait pas où j'habite",
        "sa fille m'a dit que son beau-père la frappe ; elle est chez moi, en sécurité",
        "je me suis fait emboutir au feu avenue Foch, rien de grave, tout le monde va bien",
        "un groupe fait la manche au feu du rond-point et tape sur les vitres des voitures",
        "un scooter cramé attaché au poteau depuis 3 semaines, c'est juste une carcasse",
        "mon voisin du dessous fume sur son balcon et la fumée monte chez moi",
        "My partner pushed me last weekend. I'm at a friend's place now and I'm safe.",
        "Le feu était rouge et un scooter l'a grillé à fond devant l'école",
        "Exercice incendie prévu jeudi au lycée, il y aura des fumigènes",
        "Tournage d'un film ce week-end avec des scènes de bagarre et de fausses armes",
        "Mon voisin a fait un malaise hier, le SAMU est venu et il va bien maintenant",
        "Un faux plombier a dit qu'il y avait une fuite de gaz et a pris 300 euros",
        "musique à fond et cris chez les voisins à 5h du matin, ils se battent pas, ils font la fête",
        "Someone broke into my car overnight and took my laptop, they're long gone",
        "Hay humo en el jardín del vecino pero es una barbacoa, no hay peligro",
        "la voiture cramée est toujours là depuis le mois dernier, une vraie épave",
        "une mouette blessée se débat sur le trottoir, elle saigne de l'aile",
        "une vingtaine de jeunes squattent le hall tous les soirs, là ils sont encore là",
        "C'est quoi le numéro pour une fuite de gaz ? Je n'ai pas de fuite, c'est pour l'afficher",
        "chaque jeudi au marché un jeune homme me suit jusqu'à ma voiture pour réclamer de l'argent",
    ],
)
def test_not_emergencies(nlu: LocalNlu, text: str) -> None:
    a = nlu.analyze(text, AT)
    assert not a.emergency and a.emergency_number is None


def test_extra_numbers(nlu: LocalNlu) -> None:
    assert "0 800 47 33 33" in nlu.analyze("odeur de gaz dans la cuisine", AT).extra_numbers
    assert "3114" in nlu.analyze("mon ami veut se suicider, il parle d'en finir", AT).extra_numbers
    injured = nlu.analyze("on se bat devant le bar, un homme saigne beaucoup", AT)
    assert injured.emergency_number == "17" and "15" in injured.extra_numbers
    vif = nlu.analyze("mon mari me frappe depuis des années, je voudrais partir", AT)
    assert vif.category == "violences_intrafamiliales" and "3919" in vif.extra_numbers
    scam = nlu.analyze("j'ai été arnaqué sur internet, j'ai payé un téléphone jamais reçu", AT)
    assert scam.category == "escroquerie" and "17Cyber" in scam.extra_numbers
    deaf = nlu.analyze("je suis sourde, il y a le feu chez ma voisine", AT)
    assert deaf.emergency_number == "114" and "18" in deaf.extra_numbers


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("vla encore une caisse garee sur le trottoir devant l ecole", "stationnement"),
        ("le lampadere devant chez moi marche plu", "eclairage"),
        ("à quelle heure ouvre la police municipale le dimanche ?", "information"),
        ("comment porter plainte pour une escroquerie ?", "information"),
        (
            "mon voisin me cherche des histoires depuis deux ans pour la haie, je voudrais une médiation",
            "conflit_voisinage",
        ),
        ("des tags sur le mur de l'école maternelle", "tags_degradations"),
    ],
)
def test_categories(nlu: LocalNlu, text: str, category: str) -> None:
    assert nlu.analyze(text, AT).category == category


def test_street_in_a_misspelled_message(nlu: LocalNlu) -> None:
    a = nlu.analyze("bjr ya 1 voiture mal garer devant le 12 av edouard 7", AT)
    assert a.location is not None and a.location.street == "Avenue Édouard VII"
    assert a.location.number == "12"


def test_time_and_details(nlu: LocalNlu) -> None:
    a = nlu.analyze(
        "deux hommes dans une clio grise immatriculée ab 123 cd, hier soir vers 23h", AT
    )
    assert a.occurred_at.isoformat() == "2026-07-25T23:00:00+02:00"
    assert a.details["plate"] == "AB-123-CD" and a.details["people_count"] == 2
    assert a.details["vehicle_make"] == "clio" and a.details["vehicle_colour"] == "grise"
    assert normalize_plate("ab123cd") == "AB-123-CD" and normalize_plate("12345") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "1234567890",
        "😡😡😡🔥",
        "?!?!",
        "a" * 10_000,
        "la musique " * 1500,
        "Привет, как дела?",
        "مرحبا",
        None,
        "\u202e\u200b rue\tgambetta\r\n",
    ],
)
def test_odd_input_never_crashes(nlu: LocalNlu, text) -> None:  # type: ignore[no-untyped-def]
    a = nlu.analyze(text, AT)
    assert a.category
    json.dumps({"c": a.category, "d": a.details, "x": a.extra_numbers})


def test_language() -> None:
    assert detect_language("there is a fire in the street, please help") == "en"
    assert detect_language("hay un fuego en la calle, ayuda por favor") == "es"
    assert detect_language("il y a le feu dans la rue") == "fr"
    assert detect_language("") == "fr"


@pytest.mark.parametrize(
    ("text", "language", "category", "number"),
    [
        ("there is a fire in my building, smoke everywhere, please help", "en", "incendie", "18"),
        ("A surfer went under near the rocks and hasn't come back up", "en", "secours_mer", "196"),
        ("my boyfriend is hitting me, I'm locked in the bathroom", "en",
         "violences_intrafamiliales", "17"),
        ("Una señora se ha desmayado en la arena y no responde", "es", "urgence_medicale", "15"),
        ("Hay alguien dentro de nuestro apartamento ahora mismo, vemos luz", "es",
         "vol_cambriolage", "17"),
    ],
)
def test_visitors_get_the_services_number_and_112(nlu: LocalNlu, text: str, language: str,
                                                  category: str, number: str) -> None:
    a = nlu.analyze(text, AT)
    assert a.language == language and a.category == category
    assert a.emergency and a.emergency_number == number and "112" in a.extra_numbers


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Party noise all night at the house next to ours, we have kids trying to sleep", "bruit"),
        ("a van is parked across the driveway of our holiday rental", "stationnement"),
        ("Stolen bike! I locked it outside the museum yesterday and it was gone", "vol_cambriolage"),
        ("Perdí mi móvil en el autobús", "objet_perdu_trouve"),
        ("Choque leve entre dos coches en la rotonda, nadie herido", "accident"),
    ],
)
def test_visitors_nuisances_are_understood(nlu: LocalNlu, text: str, category: str) -> None:
    a = nlu.analyze(text, AT)
    assert a.category == category and not a.emergency


def test_registry_and_protocol(nlu: LocalNlu) -> None:
    assert isinstance(nlu, NluBackend)
    assert isinstance(get_nlu("local", gazetteer=nlu.gazetteer, model=nlu.model), LocalNlu)
    with pytest.raises(ValueError):
        get_nlu("nope")


def test_a_deaf_writer_gets_114_first(nlu: LocalNlu) -> None:
    a = nlu.analyze("Soy sorda, no puedo llamar. Mi pareja me está pegando, estoy encerrada en el baño",
                    AT)
    assert a.emergency and a.emergency_number == "114" and "17" in a.extra_numbers
