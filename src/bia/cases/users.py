"""Staff accounts: argon2 password hashes, roles, lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.models import StaffUser
from bia.core.coltypes import utcnow
from bia.core.errors import Conflict, Invalid, Unauthorized

ROLES = ("agent", "chef_de_poste", "analyste", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()


def add_user(session: Session, *, username: str, password: str, role: str,
             commune_id: int | None = None, full_name: str | None = None,
             badge_number: str | None = None, by: str = "cli") -> StaffUser:
    if role not in ROLES:
        raise Invalid(f"Rôle inconnu : {role} (rôles : {', '.join(ROLES)})", code="role_inconnu")
    if len(password) < 10:
        raise Invalid("Le mot de passe doit compter au moins 10 caractères.",
                      code="mot_de_passe_trop_court")
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise Invalid("Identifiant invalide (lettres, chiffres, . - _).", code="identifiant_invalide")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise Conflict(f"L'utilisateur {username} existe déjà.", code="utilisateur_existant")
    user = StaffUser(username=username, password_hash=_hasher.hash(password), role=role,
                     commune_id=commune_id, full_name=full_name, badge_number=badge_number)
    session.add(user)
    session.flush()
    audit.record(session, username=by, action="user.create", object_type="staff_user",
                 object_id=user.id, detail={"username": username, "role": role},
                 commune_id=commune_id)
    return user


def authenticate(session: Session, *, username: str, password: str) -> StaffUser:
    """Check a password; lock the account for a while after repeated failures."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    refused = Unauthorized("Identifiant ou mot de passe incorrect.", code="identifiants_invalides")
    if user is None or not user.active:
        _hasher.hash(password)  # same cost whether or not the account exists
        raise refused
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        raise Unauthorized("Compte verrouillé après plusieurs échecs ; réessayez plus tard.",
                           code="compte_verrouille")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        audit.record(session, username=username, action="auth.failure", object_type="staff_user",
                     object_id=user.id, commune_id=user.commune_id)
        session.commit()  # the failure count must survive the caller's rollback
        raise refused from None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, username=username, action="auth.login", object_type="staff_user",
                 object_id=user.id, commune_id=user.commune_id)
    return user
