"""Reading commune-pack files with line numbers, so a bad pack gets ``file:line: message``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bia.core.errors import PackError

LINE_KEY = "__line__"
M = TypeVar("M", bound=BaseModel)


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_lines(value: Any) -> Any:
    """Remove the ``__line__`` bookkeeping keys (recursively)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def read_yaml(path: Path) -> Any:
    """Parse a YAML file keeping line numbers; a syntax error becomes a PackError."""
    if not path.is_file():
        raise PackError(f"{path.name} : fichier manquant", details=[f"{path}: fichier manquant"])
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        msg = f"{path}:{line}: YAML illisible ({getattr(exc, 'problem', exc)})"
        raise PackError(msg, details=[msg]) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}:0: le fichier n'est pas en UTF-8"
        raise PackError(msg, details=[msg]) from exc


def read_json(path: Path) -> Any:
    if not path.is_file():
        raise PackError(f"{path.name} : fichier manquant", details=[f"{path}: fichier manquant"])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        msg = f"{path}:{exc.lineno}: JSON illisible ({exc.msg})"
        raise PackError(msg, details=[msg]) from exc


def _line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """The line of the deepest mapping on the path ``loc`` inside ``data``."""
    line = data.get(LINE_KEY, 0) if isinstance(data, dict) else 0
    node = data
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and LINE_KEY in node:
            line = node[LINE_KEY]
    return int(line)


def validate_model(
    model: type[M], data: Any, path: Path
) -> tuple[M | None, list[str]]:
    """Validate ``data`` read from ``path``; return the model or ``file:line: …`` errors."""
    try:
        return model.model_validate(strip_lines(data)), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(racine)"
            errors.append(f"{path}:{_line_of(data, loc)}: {where}: {err['msg']}")
        return None, errors
