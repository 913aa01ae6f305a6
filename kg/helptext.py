"""How kg's help labels what each command takes, as README writes it.

typer 0.29 labels every parameter by its Python type (``--quiet <bool>``, ``--output
<str>``, ``FILE <list[Path]>``). :class:`Commands`, the group of kg's commands, labels
a value by what it is (:data:`LABELS`: ``-o FILE``, ``--jobs N``), a flag by nothing,
an argument by its name alone; a choice keeps its choices. Nothing here prints.
"""

from __future__ import annotations

import typer
from typer.core import TyperCommand, TyperGroup

LABELS = {
    "paths": "PATH", "file": "FILE", "source": "FILE", "query": "QUERY", "endpoint": "ENDPOINT", "files": "FILE",
    "exports": "EXPORT", "--output": "FILE", "--format": "FORMAT", "--base": "IRI", "--dataset": "NAME",
    "--title": "TITLE", "--license": "IRI", "--publisher": "NAME", "--publisher-iri": "IRI", "--issued": "YYYY-MM-DD",
    "--dump-url": "URL", "--sparql-endpoint": "URL", "--config": "TOML", "--curation": "TOML", "--report": "JSON",
    "--void": "TTL", "--jobs": "N", "--max-errors": "N", "--timeout": "SECONDS", "--total-timeout": "SECONDS",
    "--max-memory": "MB", "--graph": "IRI", "--port": "PORT", "--host": "ADDRESS", "--query-timeout": "SECONDS",
    "--max-result-bytes": "BYTES", "--stdin-name": "NAME",
}
"""How help labels a value, as README writes it (``-o FILE``, ``--jobs N``); others: the name."""


class Commands(TyperGroup):
    """kg's commands, with help that reads as README (module docstring)."""

    def get_command(self, ctx: typer.Context, name: str) -> TyperCommand | None:
        command = super().get_command(ctx, name)
        if command is not None:
            _label([*command.params, command.get_help_option(ctx)])
        return command

    def get_params(self, ctx: typer.Context) -> list:
        return _label(super().get_params(ctx))


def _label(params: list) -> list:
    """Set each parameter's label (its metavar); an argument's name is its label, so
    its type (``<list[Path]>``) is not shown beside it."""
    for param in params:
        if param is None:
            continue
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        elif param.metavar is None and not param.type_descriptor.is_choice:
            param.metavar = LABELS.get(param.opts[0], param.name.upper())
        if param.param_type_name == "argument":
            param.display_type_rich = _no_type
    return params


def _no_type(ctx: typer.Context) -> None:
    return None


__all__ = ["LABELS", "Commands"]
