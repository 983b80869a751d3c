from __future__ import annotations

import pytest

from bia.cases.models import StaffUser
from bia.cases.users import MAX_FAILURES, add_user, authenticate
from bia.context import Context
from bia.core.errors import Conflict, Invalid, Unauthorized


def test_password_is_hashed_with_argon2_and_checked(ctx: Context) -> None:
    with ctx.session() as session:
        add_user(session, username="dupont", password="motdepasse-solide", role="agent")
    with ctx.session() as session:
        user = session.query(StaffUser).filter_by(username="dupont").one()
        assert user.password_hash.startswith("$argon2")
        assert "motdepasse" not in user.password_hash
        assert authenticate(session, username="dupont", password="motdepasse-solide").role == "agent"
    with ctx.session() as session, pytest.raises(Unauthorized) as exc:
        authenticate(session, username="dupont", password="mauvais-mot-de-passe")
    assert "incorrect" in exc.value.message


def test_account_locks_after_repeated_failures(ctx: Context) -> None:
    with ctx.session() as session:
        add_user(session, username="martin", password="motdepasse-solide", role="agent")
    for _ in range(MAX_FAILURES):
        with ctx.session() as session, pytest.raises(Unauthorized):
            authenticate(session, username="martin", password="faux-mot-de-passe")
    with ctx.session() as session, pytest.raises(Unauthorized) as exc:
        authenticate(session, username="martin", password="motdepasse-solide")
    assert exc.value.code == "compte_verrouille"


def test_bad_role_short_password_and_duplicates_are_refused_in_french(ctx: Context) -> None:
    with ctx.session() as session:
        with pytest.raises(Invalid, match="Rôle inconnu"):
            add_user(session, username="x", password="motdepasse-solide", role="shérif")
        with pytest.raises(Invalid, match="au moins 10"):
            add_user(session, username="x", password="court", role="agent")
        add_user(session, username="durand", password="motdepasse-solide", role="admin")
        with pytest.raises(Conflict, match="existe déjà"):
            add_user(session, username="durand", password="motdepasse-solide", role="admin")
