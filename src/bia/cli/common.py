"""Helpers shared by CLI commands: the context, and French errors instead of tracebacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from bia.context import Context, build_context
from bia.core.errors import BiaError
from bia.core.settings import get_settings

T = TypeVar("T")


def context() -> Context:
    return build_context(get_settings())


def console_error(message: str, details: list[str] | None = None) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    for line in details or []:
        typer.echo(f"  {line}", err=True)


def run_or_exit(action: Callable[[], T]) -> T:
    """Run ``action``; a domain error prints its French message and exits with status 1."""
    try:
        return action()
    except BiaError as exc:
        details = exc.details if isinstance(exc.details, list) else None
        console_error(exc.message, [str(d) for d in details] if details else None)
        raise typer.Exit(1) from None
