"""Keyword cues (regular expressions over folded text) with negation.

The classifier is good at "what kind of nuisance", not at the few facts that make a report an
emergency (someone bleeding, a knife, a fire, a person in the water) nor at negation ("personne
n'est blessé").  These cues are explicit and testable; recall comes first.  Text is folded
(lower case, no accents, punctuation → space) before matching, so "frappé" reads "frappe":
auxiliaries before a verb tell the past tense apart.
"""

from __future__ import annotations

import re

from bia.geo.normalize import fold

_NEG_BEFORE = re.compile(
    # "personne" negates only as a pronoun ("personne n'est blessé", "personne de blessé"),
    # never as a noun ("une personne fait un malaise")
    r"\b(pas|aucun|aucune|sans|ni|(?<!une )(?<!la )(?<!cette )(?<!des )(?<!les )personne|jamais|plus|non)"
    r"\s+(?:\w+\s+){0,3}$"
)
_PAST_AUX = re.compile(r"\b(a|ai|as|avait|ont|avaient|m a|l a|les a|nous a|vous a|t a|s est|"
                       r"se sont|m ont|l ont|a ete|ont ete|etait|deja)\s+$")


_NEG_AFTER = re.compile(r"\s*(?:pas|plus|jamais)\b(?!\s+(?:loin|mal|tres|trop|beaucoup|encore|que|"
                        r"bien|assez|longtemps|vite|fort|le temps|a pas))")


def norm(text: str) -> str:
    """Folded text with single spaces and a leading/trailing space (for ``\\b`` patterns)."""
    return " " + re.sub(r"[^a-z0-9]+", " ", fold(text[:5000])).strip() + " "


def find(
    pattern: re.Pattern[str], t: str, *, negatable: bool = True, present_only: bool = False
) -> re.Match[str] | None:
    """First match of ``pattern`` in ``t`` that is not negated (and not in the past tense)."""
    for m in pattern.finditer(t):
        before = t[max(0, m.start() - 40) : m.start()]
        if negatable and _NEG_BEFORE.search(before):
            continue
        if (negatable and re.search(r"\b(?:ne|n)\s+$", before)
            and re.match(r"\s*(?:pas|plus|jamais|personne)\b", t[m.end() : m.end() + 12])):
            continue  # "ça ne fume plus", "il ne saigne pas"
        if negatable and _NEG_AFTER.match(t[m.end() : m.end() + 24]):
            continue  # spoken French drops "ne": "ils se battent pas", "il saigne pas"
        if present_only and _PAST_AUX.search(before) and not before.endswith(" y a "):
            continue
        return m
    return None


def rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


SEA = rx(r"(?:se|s est) noie\w*", r"noyade", r"en train de (?:se )?noyer", r"se noyer",
         r"emporte\w* (?:par|vers) (?:le|la|les) (?:courant|vague|vagues|large|baine)",
         r"(?:en difficulte|coince\w*|entraine\w*) (?:dans|par) (?:l eau|la mer|les vagues|la baine|le courant)",
         r"a la derive", r"derive\w* (?:vers|au) (?:le )?large", r"chavire\w*",
         r"tombe\w* (?:a|dans) l eau", r"ne remonte (?:pas|plus)",
         r"(?:nageur|baigneur|surfeur|plongeur|kayak\w*)s? (?:en difficulte|en detresse|disparu)",
         r"fusees? de detresse", r"prend l eau", r"baine", r"au large", r"drowning",
         r"dans l eau (?:\w+ ){0,8}(?:au secours|a l aide|appelle|crie|se debat|coule)",
         r"(?:au secours|a l aide|appelle|crie|se debat) (?:\w+ ){0,6}dans l eau",
         r"(?:on ne le voit plus|on le voit plus|on ne la voit plus|on la voit plus|"
         r"je ne le vois plus|je le vois plus|disparu dans l eau|disparu en mer)",
         r"planche (?:est )?(?:revenue |echouee |arrivee )?(?:seule|sans lui|sans elle)",
         r"se esta ahogando", r"ahogando")
SEA_CONTEXT = rx(r"eau", r"mer", r"vagues?", r"plage", r"large", r"nage\w*", r"baign\w*",
                 r"surf\w*",
                 r"bateau", r"kayak", r"paddle", r"digue", r"quai", r"rochers?", r"courant")
FIRE = rx(r"le feu", r"au feu", r"en feu", r"pris feu", r"prend feu", r"flammes?", r"incendie",
          r"(?:ca|qui|tout|il|elle) brulen?t?", r"brulent", r"en train de bruler", r"fumee",
          r"fume enormement", r"odeur de brule", r"sent le (?:brule|cram\w*)", r"crame", r"fire",
          r"smoke", r"fuego", r"humo")
FLAMES = rx(r"le feu", r"en feu", r"pris feu", r"prend feu", r"flammes?", r"incendie", r"brulent")
# "ça fume" is a fire only with a fire word around it (people smoke in stairwells too)
FIRE_WEAK = rx(r"ca fume")
FIRE_WEAK_CONTEXT = rx(r"cuisine", r"toit", r"fenetre", r"noire?", r"epaisse", r"flammes?",
                       r"brule\w*", r"odeur de brule", r"appartement", r"poubelle", r"voiture",
                       r"moteur", r"prise", r"compteur", r"cheminee", r"four")
# smoke that is not a fire, wherever it is said in the message
GAS_FALSE = rx(r"faux (?:plombier|technicien|agent|chauffagiste|employe)", r"pretend\w*",
               r"(?:a dit|disait|dit) qu il y (?:avait|a) une fuite", r"arnaque\w*")
SMOKE_FALSE = rx(r"dechets verts", r"feu de jardin", r"brulage", r"ecobuage",r"(?:voisins?|voisines?|il|elle|ils|elles|gens|jeunes|personnes?|fumeurs?) "
                 r"(?:\w+ ){0,3}fum(?:e|ent)\b",
                 r"barbecues?", r"plancha", r"detecteurs? de fumee", r"cigarettes?", r"clopes?",
                 r"chicha", r"vapote\w*", r"joints?", r"shit", r"cannabis", r"fumeurs?")
# a burnt wreck seen long after: not a fire now
WRECK = rx(r"carcasses?", r"epaves?", r"calcinee?s? depuis",
           r"(?:brule|crame)\w* (?:\w+ ){0,3}(?:il y a|y a|depuis) (?:longtemps|des semaines|des mois|"
           r"plusieurs|\d+ (?:jours|semaines|mois))")
FIRE_FALSE = rx(r"feux? (?:rouges?|verts?|orange|tricolores?|de signalisation|d artifice|de camp)",
                r"fume\w* (?:du |des |un |une |le |la |leurs? |ses )?(?:shit|joints?|beuh|cannabis|"
                r"herbe|pets?|cigarettes?|clopes?|chicha|narguile|pipe)",
                r"(?:cycliste|voiture|automobiliste|scooter|moto|bus|camion|pieton)s? au feu",
                # "au feu" meaning at the traffic light
                r"feu (?:etait|est|passe|passait|etais) (?:au |encore )?(?:rouge|vert|orange)",
                r"grill\w* (?:le |un |les )?feux?", r"l a grille",
                r"au feu (?:rouge|vert|orange|tricolore|pour pietons?)",
                r"au feu (?:du|de la|de l|des) (?:rond point|carrefour|croisement|boulevard|avenue|"
                r"rue|bd|place|route|pont|gare|lycee|college|ecole|port|casino)",
                r"(?:emboutir|embouti\w*|arrete\w*|la manche|attend\w*|percute\w*|accroche\w*|"
                r"tamponne\w*|stop\w*) (?:\w+ ){0,3}au feu",
                r"brulant\w* (?:de fievre)?", r"fievre",
                r"coups? de feu", r"armes? a feu", r"feu vert", r"brule (?:le|les) feux?")
FIRE_DENIED = rx(r"(?:pas|aucun|jamais) (?:de |d |un |d un )?(?:feu|incendie)\b",
                 r"n est pas un incendie", r"rien ne brule")
GAS = rx(r"(?:odeur|fuite|sent|sens|sentir|sentons)\w* (?:\w+ ){0,3}(?:de |du |le |d )?gaz\b",
         r"gaz (?:qui fuit|partout)",
         r"odeur forte de gaz", r"gas leak", r"smell of gas")
UNRESPONSIVE = rx(r"ne (?:repond|reagit|bouge) (?:plus|pas)",
                  r"ne se (?:reveille|releve) (?:pas|plus)",
                  r"ne peut (?:plus|pas) se relever", r"coma")
MEDICAL_WEAK = rx(r"ne (?:repond|reagit|bouge) (?:plus|pas)",
                  r"ne se (?:reveille|releve) (?:pas|plus)",
                  r"ne peut (?:plus|pas) se relever", r"coma", r"par terre", r"au sol")
PRETEND = rx(r"exercices? (?:incendie|d evacuation|de secours|de securite)", r"simulation",
             r"tournage", r"(?:un |le )?film", r"fausses? armes?", r"jeux? video", r"soiree jeux?",
             r"spectacle", r"repetition", r"fumigenes?", r"serie tele", r"je meurs de rire",
             r"ca me tue", r"mort de rire")
INFO_ONLY = rx(r"si un jour", r"quelle difference",r"juste pour (?:savoir|le noter|info|information|me renseigner|l avoir)",
               r"(?:juste|pour) le noter", r"aucun probleme", r"pas de probleme en ce moment",
               r"pour (?:l|le) (?:afficher|garder|avoir sous la main)", r"pas de fuite",
               r"rien en ce moment", r"je (?:ne )?sens rien", r"par curiosite", r"pour le noter",
               r"pour information", r"au cas ou", r"lequel")
# the resident says there is no danger now ("pas en ce moment, c'est calme", "je suis à l'abri")
NOT_NOW = rx(r"(?:ne suis|suis|sommes|est) (?:pas|plus) en danger", r"pas en ce moment",
             r"c est calme", r"c est fini", r"je vais bien", r"(?:est|sont|suis|sommes) (?:(?!pas |plus |jamais )\w+ ){0,7}en securite", r"a l abri", r"a salvo", r"en lieu sur",
             r"il ne sait pas ou (?:j habite|je suis|elle est|nous sommes)")
SELF_INJURY = rx(r"s est (?:coupe|blesse|brule|entaille|ouvert)\w*", r"se (?:couper|blesser|bruler)")
MEDICAL_OVER = rx(r"(?:il|elle|tout le monde) va (?:bien|mieux)(?: maintenant)?", r"ca va mieux",
                  r"plus de peur que de mal", r"(?:le samu|les pompiers|l ambulance|les secours) "
                  r"(?:est|sont) (?:venue?s?|passee?s?|deja la)", r"est rentree? (?:chez|a la maison|a pied)",
                  r"mais ca va", r"ca va maintenant", r"tout va bien maintenant")
MEDICAL = rx(r"malaise", r"eau bouillante", r"huile bouillante", r"la peau (?:part|se decolle)",
             r"brulures? (?:grave|au|a la|aux|du|partout)", r"s est (?:gravement )?brule\w*", r"s est (?:coupe|entaille|ouvert)\w* (?:\w+ ){0,4}(?:sang|saigne)",
             r"beaucoup de sang", r"du sang partout", r"sang partout", r"gemi\w*", r"ne repond (?:presque|quasiment|a peine) (?:plus|pas)",
             r"(?:brulant|brulante) (?:de fievre)?", r"forte fievre", r"inconscient\w*", r"ne respire (?:plus|pas|presque)",
             r"respire (?:mal|a peine|difficilement)", r"arret cardiaque",
             r"crise (?:d epilepsie|cardiaque|convulsive)", r"convuls\w*", r"overdose",
             r"(?:s est|vient de s) (?:effondre|ecroule|evanoui)e?", r"evanoui\w*", r"avc",
             r"hypoglycemie", r"s etouffe", r"perd les eaux", r"levres bleues",
             r"(?:saigne|pisse le sang|perd du sang)\w*", r"electrocute\w*", r"hypothermie",
             r"douleur (?:dans|a) la poitrine", r"sans connaissance", r"unconscious",
             r"not breathing",
             r"ambulance", r"no respira",
             # poisoning, overdose, falls from a height, allergy, choking, not waking up
             r"(?:a|ont|avoir|aurait) (?:pris|avale) (?:des|trop de|toute? (?:la|sa|ses|une|sa)|"
             r"une boite de|plein de) (?:\w+ )?(?:cachets|medicaments|medocs|pilules|comprimes|"
             r"somniferes|boite)",
             r"intoxi\w*", r"empoisonn\w*",
             r"tombe\w* (?:d un|du|de la|des|de l) (?:\w+ )?(?:echafaudage|toit|balcon|fenetre|"
             r"echelle|arbre|etage|falaise|mur|escabeau)",
             r"gonfle\w* de partout", r"(?:visage|gorge|langue) (?:qui )?gonfle\w*",
             r"reaction allergique", r"choc anaphylactique", r"oedeme",
             r"s etrangle avec", r"avale de travers", r"(?:avale|coince) (?:un|une) (?:\w+ )?"
             r"(?:bonbon|piece|jouet|morceau|arete|os)",
             r"ne se (?:reveille|reveillent) (?:pas|plus)", r"(?:tout )?(?:gris|bleu|blanc) et "
             r"(?:transpire|ne bouge)\w*", r"mal au bras gauche",
             r"chest pain", r"heart attack", r"collapsed", r"dolor (?:en el|de) pecho",
             r"inconsciente")
SUICIDE = rx(r"suicid\w*", r"mettre fin a (?:ses|mes) jours", r"se (?:tuer|pendre)",
             r"se jeter (?:du|de la|d un|par la|sous|dans le vide|a l eau|du haut)",
             r"(?:je vais|je veux|j ai envie de|envie de|je voudrais) me (?:tuer|jeter|pendre|"
             r"suicider|foutre en l air)", r"se foutre en l air", r"en finir", r"sauter (?:du|de la|d un|par la)",
             r"messages? d adieu", r"rebord de la fenetre")
VIOLENCE_NOW = rx(
    r"(?:se fait|se font|vient de se faire|viennent de se faire|est en train de se faire|se faire|s est fait|"
    r"se sont fait) (?:frapper|tabasser|agresser|cogner|poignarder|taper dessus|lyncher|planter|"
    r"defoncer|etrangler|tirer dessus)",
    r"(?:il|ils|elle|on|qui|homme|type|mec|gars|individu|mari|pere|copain|compagnon|conjoint|"
    r"ex|fils|frere|voisin|beau pere)s? (?:la |le |les |me |m |l |nous )?(?:frappe|frappent|tabasse|"
    r"tabassent|cogne|cognent|bat|battent|agresse|agressent|etrangle|poignarde|tape|tapent)"
    r"(?! sur (?:les|la|le|des|ma|mes|nos) (?:vitres?|portes?|volets?|fenetres?|voitures?|murs?|"
    r"carrosseries?|poubelles?|tables?|casseroles?))",
    r"se (?:battent|bat|battre|bagarrent|tapent dessus|frappent)", r"bagarre\w*", r"rixe", r"baston",


    r"en train de (?:le |la |les |l |me |nous |lui )?(?:frapper|taper|tabasser|agresser|battre|"
    r"se battre|cogner|etrangler)", r"fighting", r"pelea\w*",
)
ROAD = rx(r"voitures?", r"motos?", r"scooters?", r"velos?", r"camions?", r"bus", r"automobil\w*",
          r"conducteur\w*", r"pietons?", r"chaussee", r"route", r"collision", r"percut\w*",
          r"accroch\w*", r"renverse\w* par", r"trottinette\w*", r"carrefour", r"rond point")
HELP_CRY = rx(r"(?:crie|hurle|appelle|appeler) (?:a l aide|au secours)", r"au secours", r"a l aide")
FOLLOWED = rx(r"(?:me|nous) (?:suit|suivent|poursuit|poursuivent)", r"juste derriere moi",
              r"(?:me|nous) (?:coincer|coincent|coince|encerclent|encercler|bloquent le passage)",
              r"se rapproche\w*")
WEAPON = rx(r"couteaux?", r"armes?", r"arme blanche", r"pistolets?", r"flingues?", r"fusils?",
            r"battes?(?: de baseball)?", r"machettes?", r"haches?", r"sabres?", r"coups? de feu",
            r"tire(?:nt)? (?:sur|des coups)", r"cutter", r"bouteille cassee", r"barre de fer",
            r"poignard\w*", r"tessons?", r"gun", r"knife")
INJURED = rx(r"blesse\w*", r"saigne\w*", r"du sang", r"en sang", r"pisse le sang", r"au sol",
             r"par terre",
             r"inconscient\w*", r"ne bouge plus", r"coince\w*", r"incarcere\w*", r"bless\w+",
             r"injured",
             r"herido", r"(?:tres |super |vraiment )?mal (?:a|au|aux) (?:la |le |l |sa |son )?\w+",
             r"(?:peut|arrive) (?:pas|plus) (?:a )?(?:bouger|se relever|marcher|respirer)",
             r"douleur\w*",
             r"(?:la )?jambe cassee", r"bras casse")
PERSON_HIT = rx(
    r"renverse\w* (?:par|un pieton|une pietonne|un cycliste|un enfant|une personne|quelqu un)",
    r"(?:pieton|cycliste|enfant|motard|personne|dame|monsieur)\w* (?:a ete |s est fait )?(?:renverse|percute|fauche)\w*",
)
DOMESTIC = rx(r"(?:mon|ma|son|sa|le|la) (?:mari|epoux|epouse|conjointe?|compagnon|compagne|copain|copine|ex|"
              r"concubine?|beau pere|belle mere|pere|mere|fils|fille|frere|soeur) ",
              r"violences? conjugales?", r"femme battue", r"maman", r"papa", r"conjugal\w*",
              r"chez (?:les )?voisins? (?:qui )?"
              r"(?:frappe|bat|tape)", r"son compagnon", r"sa compagne", r"ses enfants",
              r"son enfant",
              r"(?:il|elle) (?:la|le) (?:frappe|bat|tape)")
CHILD = rx(r"enfants?", r"bebe", r"gamin\w*", r"petite? (?:fille|garcon|soeur|frere)", r"mineur\w*",
           r"ado\w*", r"fils", r"fille")
ELDERLY = rx(r"agee?s?", r"vieille dame", r"vieux monsieur", r"grand mere", r"grand pere",
             r"personne agee", r"\d{2} ans", r"maison de retraite", r"ehpad", r"handicape\w*",
             r"aide a domicile", r"aide menagere")
ABUSE = rx(r"maltrait\w*", r"frappe\w*", r"bat", r"battu\w*", r"brutalis\w*", r"neglige\w*",
           r"delaisse\w*", r"prend son argent", r"bouscule\w*", r"vole son argent", r"rudoie")
INTRUDER = rx(r"(?:est|sont) (?:encore|toujours) (?:la|dans|a l interieur|sur place|chez|dedans)",
              r"en train de (?:voler|fracturer|forcer|cambrioler|casser|entrer|rentrer|fouiller)",
              r"quelqu un (?:dans|chez) (?:ma|mon|moi|la|le|nous)", r"j entends quelqu un",
              r"essaie\w* (?:d entrer|de rentrer|d ouvrir|de forcer|de voler)",
              r"essaye\w* (?:d entrer|de rentrer|d ouvrir|de forcer|de voler)", r"cambriolent",
              r"fracturent", r"forcent", r"(?:il|ils) (?:est|sont) dans (?:la|le|ma|mon)",
              r"en train d (?:escalader|entrer|ouvrir|forcer)", r"escaladent?", r"s introdui\w*",
              r"par effraction", r"rentrer chez (?:moi|ma voisine|mon voisin|nous|elle|lui)",
              r"lampe torche", r"intrus", r"someone in my house",
              r"(?:quelqu un|un homme|des gens|un inconnu|des inconnus|il|ils) (?:qui )?(?:est|sont) "
              r"(?:entre|rentre)s? (?:chez|dans)", r"entends? (?:quelqu un )?fouiller",
              r"fouille(?:nt)? (?:en bas|dans|chez|la maison|l appartement)",
              r"en train de (?:vider|piller|devaliser|charger) (?:la|le|l|les|une|un)",
              r"vient de (?:lui |me |nous |leur )?(?:voler|arracher|piquer|derober)",
              r"je (?:le|la|les) (?:suis|poursuis|suit)",
              r"en train de (?:decouper|scier|couper|crocheter|forcer|desosser) (?:l |le |la |les |un |une )?"
              r"(?:antivol|cadenas|chaine|serrure|porte|velo|scooter|moto)")
ANIMAL_ATTACK = rx(
    r"attaque\w*", r"mord\w*", r"s en prend (?:a|aux)", r"se jette sur", r"charge (?:les|des)"
)
ROAD_OBSTACLE = rx(r"arbres?", r"branches?", r"rochers?", r"poteaux?", r"cables?",
                   r"fils? electriques?",
                   r"barrieres?", r"palettes?", r"obstacles?", r"plaque d egout", r"regard ouvert",
                   r"objets?",
                   r"huile", r"gravats", r"pierres?", r"troncs?")
ON_ROAD = rx(r"en travers", r"les voitures (?:arrivent|ne le voient pas|ne la voient pas|risquent)",
             r"au milieu de la (?:route|chaussee|voie|rue)", r"sur la (?:route|chaussee|voie)",
             r"bloque\w* (?:la route|la chaussee|les deux voies|la voie)",
             r"les voitures (?:font des ecarts|l evitent|glissent)", r"risque d accident")
DEAF = rx(r"sourde?s?", r"malentendante?s?", r"je ne peux pas parler", r"muette?", r"deaf")
DRUNK = rx(r"ivres?", r"bourre\w*", r"saoule?s?", r"soule?s?", r"alcoolis\w*", r"ebriete",
           r"ivresse",
           r"a trop bu", r"trop bu", r"drunk", r"borracho")
ONLINE_SCAM = rx(r"internet", r"en ligne", r"sms", r"mail", r"e mail", r"site", r"phishing",
                 r"hame\w*onnage",
                 r"pirat\w*", r"ordinateur", r"webcam", r"lien", r"bon coin", r"leboncoin")
THREAT_NOW = rx(r"(?:va|vont) (?:me|la|le|nous|les|te) (?:tuer|buter|frapper|massacrer|egorger|defoncer|"
                r"planter|casser la gueule|casser la figure|saigner)",
                r"(?:dit|menace|hurle|crie) qu il va (?:me|la|nous|le) tuer",
                r"(?:il|elle) (?:est|est encore) (?:dans|a) (?:l autre piece|la maison|l appartement|la chambre|la cuisine|la salle)",
                r"(?:a )?tout casse", r"casse tout", r"parle doucement", r"je suis cachee?",
                r"enferme\w* (?:dans|a)")
THREAT = rx(r"menace\w*", r"menacant\w*", r"casser la figure", r"casser la gueule",
            r"coups? de poing",
            r"frappe\w*", r"agress\w*", r"insulte\w* et menace\w*")
ANIMAL_WORDS = rx(
    r"chiens?", r"chats?", r"pitbull\w*", r"molosses?", r"animal", r"animaux", r"goelands?",
    r"sangliers?", r"chevaux", r"cheval", r"rats?", r"serpents?", r"frelons?", r"guepes?",
    r"mouettes?", r"pigeons?", r"oiseaux?", r"herissons?", r"renards?", r"chatons?", r"chiots?",
)
PERSON_WORDS = rx(r"personne", r"homme", r"femme", r"enfant", r"bebe", r"fils", r"fille", r"mari",
                  r"quelqu un", r"monsieur", r"dame", r"garcon", r"ado\w*", r"voisine?",
                  r"pere", r"mere", r"petite?", r"gamin\w*", r"jeune")
NOISE = rx(
    r"bruit\w*", r"musique", r"tele", r"television", r"fete", r"crie\w*", r"hurle\w*",
    r"aboie\w*", r"tapage", r"boucan", r"vacarme", r"sono", r"basses?", r"son a fond", r"a fond",
)
INFO_QUESTION = re.compile(
    r"^ (?:bonjour |bonsoir |svp |excusez moi )*(?:ou se trouve|ou est|ou sont|quels? sont|quelle est|"
    r"quel est|quelle difference|quel numero|quels numeros|c est quoi le numero|quelles sont|comment (?:faire|porter|deposer|signaler|obtenir|recuperer|contacter|joindre)|"
    r"a quelle heure|jusqu a quelle heure|"
    r"est ce que (?:je peux|on peut|vous pouvez me dire)(?! (?:vous )?(?:signaler|declarer|faire un "
    r"signalement))|"
    r"c est quoi (?:le|la|les)|qui (?:dois je|faut il) (?:appeler|contacter))\b"
)
HOME = rx(r"chez (?:moi|nous|eux|elle|lui|les voisins|ma voisine|mon voisin)", r"appartement",
          r"maison", r"voisins?", r"voisines?", r"a la maison", r"domicile", r"conjug\w*", r"foyer")
