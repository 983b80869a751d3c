"""Domain errors: each carries an HTTP status, a stable code and a safe French message.

One exception handler (``bia.api.errors``) renders them as JSON; the CLI prints the message.
"""

from __future__ import annotations

from typing import Any


class BiaError(Exception):
    """Base class of every error a user may see."""

    status: int = 400
    code: str = "erreur"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(BiaError):
    status = 404
    code = "introuvable"


class Invalid(BiaError):
    status = 422
    code = "donnees_invalides"


class Conflict(BiaError):
    status = 409
    code = "conflit"


class Forbidden(BiaError):
    status = 403
    code = "acces_refuse"


class Unauthorized(BiaError):
    status = 401
    code = "authentification_requise"


class InvalidTransition(Conflict):
    code = "transition_invalide"


class PackError(BiaError):
    """A commune pack is malformed; ``details`` lists ``file:line: message`` strings."""

    status = 422
    code = "pack_invalide"
