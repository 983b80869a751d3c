"""What the public copy of a description keeps and what it masks."""

from __future__ import annotations

import pytest

from bia.open311.redact import scrub


@pytest.mark.parametrize("text, gone, kept", [
    ("Rappelez-moi au 06 12 34 56 78", "06 12 34 56 78", "Rappelez-moi"),
    ("tel 0612345678 ou +33 6 12 34 56 78 ou 0033612345678", "12", "tel"),
    ("écrire à jean.dupont+bia@mail.example.fr", "dupont", "écrire à"),
    ("Voiture ab-123-cd garée", "123", "Voiture"),
    ("Voiture AB 123 CD garée", "123", "garée"),
    ("vieille 205 immatriculée 1234 AB 64", "1234", "vieille 205"),
    ("devant le 12 bis rue Gambetta", "12", "rue Gambetta"),
    ("au 4, avenue de la Marne", "4,", "avenue de la Marne"),
    ("au n° 14 de la rue", "14", "de la rue"),
    ("Je m'appelle Jean Etchegaray et je me plains", "Etchegaray", "je me plains"),
    ("C'est M. Dupont qui crie", "Dupont", "qui crie"),
    ("madame Irigoyen Larralde laisse son chien", "Irigoyen", "laisse son chien"),
])
def test_scrub_masks_contacts_plates_numbers_and_names(text: str, gone: str, kept: str) -> None:
    out = scrub(text)
    assert out is not None and gone not in out and kept in out, out


def test_scrub_keeps_ordinary_numbers_and_known_names_go() -> None:
    assert scrub("Le lampadaire 12 est en panne depuis 3 jours") == \
        "Le lampadaire 12 est en panne depuis 3 jours"
    assert scrub("Garance crie encore", known_names=["garance"]) == "[nom masqué] crie encore"
    assert scrub(None) is None
    assert len(scrub("x" * 5000) or "") == 4000
