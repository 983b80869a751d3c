"""The register of processing activities (RGPD art. 30), generated from the running settings.

A register written by hand drifts from what the software does; this one is printed from the
same settings the purge job obeys and from the pack's actors, so the city's DPD starts the
impact assessment (AIPD) from what is actually configured. It is French because it is a
document for the commune and the CNIL.
"""

from __future__ import annotations

from datetime import datetime

from bia import __version__
from bia.core.settings import Settings
from bia.geo.pack import Pack
from bia.privacy.settings import KEEP_NOTHING_AT_ZERO, RETENTION_FIELDS, PrivacySettings

# kind -> (what it is, where it lives, what happens at the end, basis of the default)
RETENTION_TEXT: dict[str, tuple[str, str, str, str]] = {
    "contact": (
        "Coordonnées du déclarant (téléphone, courriel), recueillies avec son accord",
        "`report.contact`", "effacées",
        "minimisation (art. 5-1-c et 5-1-e RGPD) : utiles seulement pour rappeler le "
        "déclarant pendant le traitement ; 3 mois après la clôture couvrent une réclamation"),
    "text": (
        "Propos du déclarant (texte, transcription d'appel, lieu tel que dit)",
        "`report.text`, `report.location_text`, `report.details`",
        "remplacés par un résumé pseudonymisé ; numéro de rue retiré ; position ramenée à "
        "la grille",
        "1 an : cycle annuel de la tranquillité publique (saisons, événements) ; au-delà, "
        "seules les données de lieu et de catégorie servent"),
    "audio": (
        "Enregistrements des appels téléphoniques", "fichiers sous `BIA_AUDIO_DIR`",
        "supprimés",
        "recommandation CNIL sur l'enregistrement des appels (6 mois au plus) ; 30 jours "
        "suffisent à vérifier une transcription contestée"),
    "conversation": (
        "État des dialogues (chat, appel en cours)", "table `conversation`", "supprimés",
        "le dialogue ne sert qu'à produire le signalement, qui est conservé à part"),
    "case": (
        "Signalements et dossiers de la police municipale (main courante, rapports)",
        "tables `report`, `case_file`, `document`", "supprimés (archivage préalable selon "
        "le code du patrimoine, art. L. 212-4, à la charge de la commune)",
        "arrêté du 14 avril 2009, art. 7 1° : trois ans au plus à compter de "
        "l'enregistrement"),
    "audit": (
        "Journal d'audit (qui a consulté ou modifié quoi)", "table `audit_log`",
        "préfixe de la chaîne supprimé derrière un point de contrôle",
        "traçabilité des accès (arrêté du 14 avril 2009, art. 9) alignée sur la durée des "
        "données tracées ; la CNIL recommande 6 mois à 1 an hors obligation particulière"),
    "delivery": (
        "Copies transmises aux partenaires (envois courriel / webhook)", "table `delivery`",
        "supprimées (les envois en attente sont conservés)",
        "preuve technique de transmission ; jamais plus longue que le texte qu'elle copie"),
    "photo": (
        "Photos jointes par le déclarant (réencodées, sans métadonnées ; position GPS "
        "conservée seulement avec son accord)", "table `photo`", "supprimées",
        "minimisation : une photo peut montrer des visages ou des plaques ; elle sert à "
        "qualifier et traiter le signalement, 3 mois suffisent ; jamais plus que le texte"),
}


# when each period starts
START = {"contact": "après la clôture", "text": "après réception",
         "audio": "après l'enregistrement", "conversation": "après le dernier échange",
         "case": "après l'enregistrement", "audit": "après l'écriture",
         "delivery": "après la création de l'envoi", "photo": "après l'envoi"}


def human_days(days: int) -> str:
    """French wording of a period, as a DPD writes it."""
    if days <= 0:
        return "illimitée (purge désactivée — à justifier)"
    if days % 365 == 0:
        years = days // 365
        return f"{years} an{'s' if years > 1 else ''}"
    if days % 30 == 0 and days >= 60:
        return f"{days // 30} mois"
    return f"{days} jours"


def _recipients(pack: Pack | None) -> list[str]:
    if pack is None:
        return ["- (aucun pack communal chargé : destinataires à compléter)"]
    kinds = {"internal": "service interne", "forwarded": "partenaire destinataire",
             "emergency_only": "numéro d'urgence indiqué au déclarant (aucune transmission)"}
    lines = []
    for actor in pack.actors.values():
        methods = ", ".join(m for m in actor.delivery if m != "console") or "aucune transmission"
        lines.append(f"- **{actor.short_name}** ({actor.name}) : {kinds[actor.kind]} ; "
                     f"moyen : {methods}")
    return lines


def _security(settings: Settings, privacy: PrivacySettings) -> list[str]:
    db = "PostgreSQL" if settings.database_url.startswith("postgresql") else "SQLite (WAL)"
    lines = [
        "- Accès du personnel par compte nominatif, mot de passe haché (argon2), rôles "
        "(agent, chef de poste, analyste, administrateur), verrouillage après échecs.",
        "- Journal d'audit chaîné par empreintes SHA-256 (toute modification d'une ligne "
        "passée est détectée) ; purge par préfixe avec point de contrôle.",
        f"- Base de données : {db} ; sauvegardes par `bia backup` (voir docs/deployment.md).",
        "- Chiffrement des échanges (TLS, HSTS) assuré par le proxy inverse.",
        "- Webhooks signés (HMAC-SHA256) ; file d'envoi avec reprise sur erreur.",
        f"- Pseudonymisation avant analyse : noms, téléphones, courriels, plaques, IBAN et "
        f"numéros de rue retirés ; positions ramenées à une grille de "
        f"{privacy.pseudonym_cell_m} m ; identifiants remplacés par un HMAC à clé secrète.",
        "- Purge automatique quotidienne (`bia purge`) selon les durées ci-dessus.",
    ]
    if settings.secret_key == "change-me-in-production":
        lines.append("- ⚠ `BIA_SECRET_KEY` a sa valeur par défaut : à changer avant la mise "
                     "en production.")
    if privacy.pseudonym_secret == "change-me-pseudonym":
        lines.append("- ⚠ `BIA_PSEUDONYM_SECRET` a sa valeur par défaut : à changer.")
    return lines


def _processors(settings: Settings) -> list[str]:
    lines = [f"- Serveur de messagerie sortant : `{settings.smtp_host}` (envoi des "
             "signalements aux partenaires).",
             "- Hébergeur du serveur BIA : à compléter par la commune."]
    if settings.nlu_backend == "llm":
        lines.append(f"- Fournisseur du modèle de langue (`{settings.llm_base_url}`, modèle "
                     f"`{settings.llm_model}`) : reçoit les propos des déclarants ; vérifier "
                     "le contrat (art. 28) et la localisation des serveurs (transferts hors UE).")
    return lines


def build_register(settings: Settings, privacy: PrivacySettings, pack: Pack | None, *,
                   generated_at: datetime) -> str:
    """The register as Markdown, in French."""
    commune = pack.commune if pack else None
    controller = privacy.controller_name or (
        f"Commune de {commune.name} (INSEE {commune.insee}), représentée par son maire"
        if commune else "La commune, représentée par son maire")
    llm = settings.nlu_backend == "llm"
    out = [
        "# Registre des activités de traitement — BIA (article 30 du RGPD)",
        "",
        f"*Généré le {generated_at:%d/%m/%Y à %H:%M} (UTC) par `bia privacy register`, "
        f"BIA {__version__}, à partir de la configuration en vigueur. Base de l'analyse "
        "d'impact (AIPD) que la commune doit rédiger.*",
        "", "## 1. Responsable du traitement", "",
        f"- Responsable : {controller}.",
        f"- Délégué à la protection des données (DPD) : {privacy.dpo_contact}.",
        "", "## 2. Finalités et bases légales", "",
        "1. **Recueil et orientation des signalements** d'incivilités des résidents (téléphone, "
        "chat, Open311) : comprendre la demande, l'orienter vers le service compétent, "
        "informer le déclarant du suivi.",
        "2. **Main courante et suivi des interventions** de la police municipale, rapports "
        "d'intervention (arrêté du 14 avril 2009, art. 5, 1° et 2°).",
        "3. **Analyse territoriale** des nuisances (zones, récurrence, prévision) sur données "
        "pseudonymisées : aucune décision individuelle, aucune personne n'est évaluée "
        "(art. 22 RGPD).",
        "4. **Traçabilité** des accès et actions du personnel (arrêté du 14 avril 2009, art. 9).",
        "",
        "Base légale : **mission d'intérêt public / exercice de l'autorité publique** "
        "(art. 6-1-e RGPD), au titre des pouvoirs de police du maire (CGCT, art. L. 2212-2). "
        "Pour la recherche et la constatation d'infractions, les dispositions de la loi "
        "Informatique et Libertés transposant la directive (UE) 2016/680 (titre III) et "
        "l'arrêté du 14 avril 2009 s'appliquent. Les coordonnées du déclarant ne sont "
        "conservées qu'avec son accord.",
        "", "## 3. Personnes concernées", "",
        "- Résidents et usagers qui signalent (déclarants).",
        "- Personnes mentionnées dans un signalement (mis en cause, victimes, témoins).",
        "- Agents de la police municipale et personnels habilités (comptes, journal d'audit).",
        "", "## 4. Catégories de données et durées de conservation", "",
        "| donnée | où | durée | à l'échéance | fondement de la durée | variable |",
        "|---|---|---|---|---|---|",
    ]
    for kind, field in RETENTION_FIELDS.items():
        what, where, fate, basis = RETENTION_TEXT.get(kind, (kind, "", "purgées", "à préciser"))
        days = privacy.days(kind)
        start = f" {START[kind]}" if days > 0 and kind in START else ""
        period = ("non conservés" if days <= 0 and kind in KEEP_NOTHING_AT_ZERO
                  else human_days(days) + start)
        out.append(f"| {what} | {where} | {period} ({days} j) | {fate} | {basis} | "
                   f"`BIA_{field.upper()}` |")
    out += [
        "",
        "Autres données : catégorie, lieu (rue, zone), dates et heures, statut, orientation ; "
        "comptes du personnel (identifiant, nom, matricule, rôle). Aucune donnée sensible "
        "(art. 9 RGPD) n'est demandée ; le déclarant peut en dire : elles suivent la durée "
        "du texte.",
        "", "## 5. Destinataires", "",
        "- Agents de police municipale individuellement désignés et habilités par le maire "
        "(arrêté du 14 avril 2009, art. 8 1°).",
        "- Sur demande motivée : adjoints délégués, parquet, OPJ territorialement compétent "
        "(art. 8 2°).",
        *_recipients(pack),
        "", "### Sous-traitants", "", *_processors(settings),
        "", "## 6. Transferts hors de l'Union européenne", "",
        ("- À vérifier : le moteur de langue externe est activé (`BIA_NLU_BACKEND=llm`)."
         if llm else "- Aucun : la compréhension des messages est locale "
         "(`BIA_NLU_BACKEND=local`)."),
        "", "## 7. Mesures de sécurité", "", *_security(settings, privacy),
        "", "## 8. Droits des personnes", "",
        "- Accès (art. 15) : `bia privacy export --tracking-code CODE` ou `--contact …` "
        "produit tout ce que BIA détient ; le DPD examine les restrictions applicables "
        "(données d'enquête, tiers) avant communication.",
        "- Effacement (art. 17) : `bia privacy erase …` anonymise les signalements (texte, "
        "contact, dialogues) ; les dossiers gardent leurs champs non personnels ; les "
        "documents validés sont des pièces officielles et ne sont pas réécrits.",
        "- Opposition : ne s'applique pas aux traitements de l'arrêté du 14 avril 2009 (art. 11).",
        "- Chaque demande est tracée dans le journal d'audit (utilisateur `cli:privacy`).",
        "", "## 9. Points d'attention pour l'AIPD", "",
        "- Traitement à grande échelle de données liées à des infractions (art. 10 RGPD) : "
        "AIPD obligatoire.",
        "- Propos libres : le déclarant peut citer des tiers ; la pseudonymisation est "
        "automatique et imparfaite, d'où la durée courte du texte.",
        "- Analyse prédictive : lieux et heures seulement, jamais de personnes.",
    ]
    return "\n".join(out) + "\n"
