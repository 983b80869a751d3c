"""One place that turns errors into JSON with a stable code and a French message."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bia.core.errors import BiaError

log = logging.getLogger("bia.api")

HTTP_MESSAGES = {
    400: ("requete_invalide", "Requête invalide."),
    401: ("authentification_requise", "Authentification requise."),
    403: ("acces_refuse", "Accès refusé."),
    404: ("introuvable", "Ressource introuvable."),
    405: ("methode_non_autorisee", "Méthode non autorisée."),
    413: ("trop_volumineux", "Contenu trop volumineux."),
    429: ("trop_de_requetes", "Trop de requêtes : réessayez dans un instant."),
}


def error_body(code: str, message: str, details: object = None) -> dict[str, object]:
    body: dict[str, object] = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details  # type: ignore[index]
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BiaError)
    async def _bia(_: Request, exc: BiaError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"champ": ".".join(str(p) for p in e["loc"][1:]) or "(corps)",
                    "probleme": e["msg"]} for e in exc.errors()]
        return JSONResponse(error_body("donnees_invalides",
                                       "Les données envoyées sont invalides.", details),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = HTTP_MESSAGES.get(exc.status_code, ("erreur", "Erreur."))
        if isinstance(exc.detail, str) and exc.detail and exc.status_code not in (404, 405):
            message = exc.detail
        return JSONResponse(error_body(code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse(error_body("erreur_interne",
                                       "Erreur interne : le service technique est prévenu."),
                            status_code=500)
