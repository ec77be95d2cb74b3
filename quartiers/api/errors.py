"""OpenAI's error shape (``{"error": {"message", "type", "code"}}``) with French messages and HTTP codes
clients act on: 400 bad request, 401 missing or wrong key, 404 unknown model, 503 empty or busy store."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error",
         503: "server_error", 500: "server_error"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": TYPES.get(self.status, "invalid_request_error"),
                          "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


async def api_error_handler(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error.response()


async def validation_handler(_: Request, error: Exception) -> JSONResponse:
    """FastAPI answers 422 with English details; clients of an OpenAI API expect a 400 they can show."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    if first.get("type") == "json_invalid":
        message = "requête invalide : le corps n'est pas du JSON valide"
    elif where:
        message = f"requête invalide : champ « {where} » manquant ou invalide"
    else:
        message = "requête invalide : un objet JSON est attendu"
    return ApiError(400, message, "invalid_request", where or None).response()
