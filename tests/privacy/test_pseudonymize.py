"""Planted personal data must not come out; places, times and nuisances must stay."""

from __future__ import annotations

import pytest

from bia.privacy.pseudonymize import (
    keyed_pseudonym,
    normalize_identifier,
    pseudonymize_point,
    pseudonymize_text,
    pseudonymize_value,
)

CASES = [
    # (text, must be gone, must be kept)
    ("Bonjour, je m'appelle Jean Dupont et j'habite au 12 rue Gambetta.",
     ["Jean", "Dupont", "12"], ["rue Gambetta", "Bonjour"]),
    ("je m'appelle jean dupont j'habite 3 bis avenue de la Reine Victoria, "
     "tapage nocturne vers 23h30",
     ["jean", "dupont", "3 bis"], ["avenue de la Reine Victoria", "tapage nocturne", "23h30"]),
    ("M. Martin et Mme Le Gall se disputent devant le 4 place Clemenceau depuis 22:15.",
     ["Martin", "Gall", "4 place"], ["place Clemenceau", "22:15", "se disputent"]),
    ("Monsieur le Maire, mon voisin Pierre Etcheverry fait du bruit.",
     ["Pierre", "Etcheverry"], ["Monsieur le Maire", "mon voisin", "fait du bruit"]),
    ("Écrivez-moi à jean.dupont@example.fr ou au 06 12 34 56 78.",
     ["jean.dupont@example.fr", "06 12 34 56 78"], ["Écrivez-moi"]),
    ("Rappel : +33 6 12 34 56 78, 0612345678, 06.12.34.56.78, 0033 6 12 34 56 78",
     ["+33", "0612345678", "06.12.34.56.78", "12 34 56 78"], ["Rappel"]),
    ("Voiture AB-123-CD sur le trottoir, une vieille 123 ABC 64 aussi, et ab-123-cd.",
     ["AB-123-CD", "123 ABC 64", "ab-123-cd"], ["Voiture", "sur le trottoir"]),
    ("Remboursez sur FR76 3000 6000 0112 3456 7890 189 merci",
     ["FR76", "3000 6000", "189"], ["Remboursez", "merci"]),
    ("Dépôt sauvage au numéro 15 de la rue Mazagran, 3 personnes, le 14 juillet 2024 à 22h.",
     ["15"], ["rue Mazagran", "3 personnes", "14 juillet 2024", "22h", "Dépôt sauvage"]),
    ("Cordialement, Marie-Hélène de La Tour", ["Marie-Hélène", "Tour"], ["Cordialement"]),
    ("Rodéo urbain boulevard du Général de Gaulle à 14H30 et 14 h 30, appelez le 17.",
     [], ["boulevard du Général de Gaulle", "14H30", "14 h 30", "le 17", "Rodéo urbain"]),
    ("Je suis inquiète : 64200 Biarritz, Grande Plage, 2 scooters.",
     [], ["Je suis inquiète", "64200 Biarritz", "Grande Plage", "2 scooters"]),
]


@pytest.mark.parametrize(("text", "gone", "kept"), CASES)
def test_personal_data_goes_and_context_stays(text: str, gone: list[str],
                                              kept: list[str]) -> None:
    out = pseudonymize_text(text)
    for secret in gone:
        assert secret not in out, (secret, out)
    for phrase in kept:
        assert phrase in out, (phrase, out)


def test_tags_say_what_was_removed() -> None:
    out = pseudonymize_text("Je m'appelle Jean Dupont, 06 12 34 56 78, a@b.fr, AB-123-CD")
    for tag in ("[nom]", "[téléphone]", "[courriel]", "[immatriculation]"):
        assert tag in out


def test_json_details_are_pseudonymised_recursively() -> None:
    details = {"plate": "AB-123-CD", "people": 3, "notes": ["M. Durand crie"]}
    out = pseudonymize_value(details)
    assert out["people"] == 3 and "AB-123-CD" not in str(out) and "Durand" not in str(out)


def test_points_snap_to_a_stable_grid() -> None:
    a = pseudonymize_point(43.48321, -1.55853, cell_m=100)
    b = pseudonymize_point(43.48330, -1.55860, cell_m=100)  # ~12 m away, same cell
    assert a == b
    assert pseudonymize_point(*a, cell_m=100) == a  # a centre maps to itself
    # the snapped point stays within half a cell diagonal (~71 m) of the original
    dlat_m = (a[0] - 43.48321) * 111_320
    dlon_m = (a[1] + 1.55853) * 111_320 * 0.7256
    assert (dlat_m ** 2 + dlon_m ** 2) ** 0.5 < 75
    far = pseudonymize_point(43.4900, -1.5586, cell_m=100)
    assert far != a


def test_keyed_pseudonym_is_stable_keyed_and_spelling_proof() -> None:
    p1 = keyed_pseudonym("06 12 34 56 78", "secret-a")
    assert p1 == keyed_pseudonym("+33612345678", "secret-a")
    assert p1 == keyed_pseudonym("0612345678", "secret-a")
    assert p1 != keyed_pseudonym("0612345678", "secret-b")
    assert "0612345678" not in p1
    assert normalize_identifier(" Jean.Dupont@Example.FR ") == "jean.dupont@example.fr"
