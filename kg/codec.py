"""The spill codec: models as plain tuples for the stream's spill files, and back,
generated from the models' fields (pydantic ``model_fields``), so that a field added to
a model is spilled and read back with no code to remember (issue 14: a hand-written
codec silently dropped a new field from streamed exports only).

A model is a tuple of its fields in declaration order; a field that is a model is a
nested tuple, a tuple of models a tuple of tuples, an enum its value; anything else is
kept as is (pickle carries it). Decoding uses ``model_construct``: the rows were made
from valid models by this process or a sibling, so they are not validated again.
The generated functions are plain Python (one expression per field), as fast as a
hand-written codec.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from enum import Enum

from pydantic import BaseModel

Codec = tuple[Callable[[BaseModel], tuple], Callable[[tuple], BaseModel]]


def _optional(annotation: object) -> object | None:
    """``X`` of ``X | None``, else None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def _model_items(annotation: object) -> type[BaseModel] | None:
    """``M`` of ``tuple[M, ...]`` where M is a model, else None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is tuple and len(args) == 2 and args[1] is Ellipsis:
        if isinstance(args[0], type) and issubclass(args[0], BaseModel):
            return args[0]
    return None


def _is(annotation: object, kind: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, kind)


def _encode(annotation: object, value: str, names: dict[str, object], depth: int) -> str:
    """An expression that encodes ``value`` (an expression) of type ``annotation``."""
    if (inner := _optional(annotation)) is not None and (_is(inner, BaseModel) or _is(inner, Enum)):
        return f"(None if {value} is None else {_encode(inner, value, names, depth)})"
    if _is(annotation, BaseModel):
        fields = ", ".join(_encode(f.annotation, f"{value}.{n}", names, depth)
                           for n, f in annotation.model_fields.items())  # type: ignore[union-attr]
        return f"({fields},)"
    if (item := _model_items(annotation)) is not None:
        v = f"v{depth}"
        return f"tuple({_encode(item, v, names, depth + 1)} for {v} in {value})"
    if _is(annotation, Enum):
        return f"{value}.value"
    return value


def _decode(annotation: object, value: str, names: dict[str, object], depth: int) -> str:
    """An expression that rebuilds a value of type ``annotation`` from ``value``."""
    if (inner := _optional(annotation)) is not None and (_is(inner, BaseModel) or _is(inner, Enum)):
        return f"(None if {value} is None else {_decode(inner, value, names, depth)})"
    if _is(annotation, BaseModel) or _is(annotation, Enum):
        name = f"T{len(names)}"
        names[name] = annotation
        if _is(annotation, Enum):
            return f"{name}({value})"
        fields = ", ".join(f"{n}={_decode(f.annotation, f'{value}[{i}]', names, depth)}"
                           for i, (n, f) in enumerate(annotation.model_fields.items()))  # type: ignore[union-attr]
        return f"{name}.model_construct({fields})"
    if (item := _model_items(annotation)) is not None:
        v = f"v{depth}"
        return f"tuple({_decode(item, v, names, depth + 1)} for {v} in {value})"
    return value


def codec(model: type[BaseModel]) -> Codec:
    """(encode, decode) for ``model``, generated from its fields."""
    names: dict[str, object] = {}
    source = (f"def encode(m):\n    return {_encode(model, 'm', names, 0)}\n"
              f"def decode(row):\n    return {_decode(model, 'row', names, 0)}\n")
    namespace: dict[str, object] = dict(names)
    exec(compile(source, f"<kg.codec {model.__name__}>", "exec"), namespace)  # noqa: S102 - generated above
    return namespace["encode"], namespace["decode"]  # type: ignore[return-value]


__all__ = ["codec"]
