"""What a publisher states about an export (README, "Publishing"): the dataset name that
names its graphs, and the title, licence, publisher, issue date, dumps and SPARQL
endpoint that its VoID/DCAT description carries (kg.mapping.dataset).

They come from ``kg export`` options or from a TOML file (``--config``) whose keys are
the options' names; an option given on the command line wins over the file. The issue
date is never the clock: ``--issued``, else ``SOURCE_DATE_EPOCH``
(https://reproducible-builds.org/specs/source-date-epoch/), else none.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from kg.curation import read_toml
from kg.errors import InputError
from kg.identity import BASE_HINT, DATASET_NAME, check_base, slug, text_key
from kg.namespaces import DEFAULT_BASE, DEFAULT_DATASET

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")
FORMAT_HINT = 'see README, "Publishing", for the keys of the config file'


class Publication(BaseModel):
    """The publisher's statements about one export."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: str = DEFAULT_DATASET
    """Names the export's graphs and its void:Dataset (kg.identity.Iris)."""
    title: str | None = None
    """dcterms:title; None: a title made from the counts."""
    license: str | None = None
    """dcterms:license, an IRI (such as https://creativecommons.org/licenses/by/4.0/)."""
    publisher: str | None = None
    """The publisher's name (foaf:name of the dcterms:publisher agent)."""
    publisher_iri: str | None = None
    """The publisher's own IRI; None: one under the dataset's, where a name is given."""
    issued: datetime.date | None = None
    """dcterms:issued."""
    dumps: tuple[str, ...] = ()
    """Where the export can be downloaded: void:dataDump and a dcat:Distribution each."""
    sparql_endpoint: str | None = None
    """void:sparqlEndpoint."""


def _dataset(value: object) -> str:
    if not isinstance(value, str) or not DATASET_NAME.match(value):
        raise ValueError(f"not a dataset name: {value!r}; use up to 64 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("needs a non-empty text")
    return " ".join(value.split())


def _iri(value: object) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        raise ValueError(f"not an absolute IRI: {value!r}; for example https://example.org/…")
    return value


def _iris(value: object) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError("needs an IRI or a list of IRIs")
    return tuple(_iri(v) for v in values)


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value  # a TOML date
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not a date YYYY-MM-DD: {value!r}")


class _SettingError(ValueError):
    """A bad value, with the hint that says how to write a good one."""

    def __init__(self, message: str, hint: str | None):
        super().__init__(message)
        self.hint = hint


def _base(value: object) -> str:
    """kg.identity.check_base's verdict, message and hint."""
    if not isinstance(value, str):
        raise _SettingError("needs an IRI ending in '/' or '#'", BASE_HINT)
    try:
        return check_base(value)
    except InputError as exc:
        raise _SettingError(exc.diagnostics[0].message, exc.diagnostics[0].hint) from None


SETTINGS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "dataset": ("dataset", _dataset),
    "base": ("base", _base),
    "title": ("title", _text),
    "license": ("license", _iri),
    "publisher": ("publisher", _text),
    "publisher-iri": ("publisher_iri", _iri),
    "issued": ("issued", _date),
    "dump-url": ("dumps", _iris),
    "sparql-endpoint": ("sparql_endpoint", _iri),
}
"""Option (and config key) -> (field, checker). ``base`` goes to the export's options,
the others to :class:`Publication`."""


def check_setting(option: str, value: object, where: tuple[str, int | None] | None = None) -> tuple[str, Any]:
    """(field, checked value) of one option, or an InputError naming the option (or the
    config file's line)."""
    field, checker = SETTINGS[option]
    try:
        return field, checker(value)
    except ValueError as exc:
        path, line = where or (f"--{option}", None)
        message = str(exc) or f"bad value {value!r}"
        hint = getattr(exc, "hint", None) or (FORMAT_HINT if where else None)
        raise InputError.at(path, line, f"{option}: {message}" if where else message, hint) from None


def read_config(path: Path) -> dict[str, Any]:
    """The settings of a config file, checked: field -> value (README, "Publishing")."""
    text, data = read_toml(path, "config file", FORMAT_HINT)
    settings = {}
    for key, value in data.items():
        where = (str(path), _key_line(text, key))
        if key not in SETTINGS:
            raise InputError.at(*where, f"unknown key {key!r}; expected one of {', '.join(SETTINGS)}", FORMAT_HINT)
        field, checked = check_setting(key, value, where)
        settings[field] = checked
    return settings


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def issued_from_environment(env: Mapping[str, str]) -> datetime.date | None:
    """The UTC date of ``SOURCE_DATE_EPOCH`` (seconds since 1970), if set; a malformed
    value is an error, as the specification asks."""
    value = env.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise InputError.at("SOURCE_DATE_EPOCH", None, f"not a whole number of seconds since 1970: {value!r}",
                            "unset it, or set it as `date +%s` prints")
    try:
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        raise InputError.at("SOURCE_DATE_EPOCH", None, f"out of range: {value!r}") from None


def export_settings(given: Mapping[str, object], config: Path | None, env: Mapping[str, str],
                    output: str) -> tuple[str, Publication]:
    """(base, publication) of an export: each option ``given`` (by name; None: not
    given) over the config file's, over the defaults; the issue date from
    ``SOURCE_DATE_EPOCH`` where neither states one."""
    settings = read_config(config) if config is not None else {}
    for option, value in given.items():
        if value is not None and value != []:
            field, checked = check_setting(option, value)
            settings[field] = checked
    settings.setdefault("dataset", dataset_for_output(output))
    if "issued" not in settings and (issued := issued_from_environment(env)) is not None:
        settings["issued"] = issued
    base = settings.pop("base", DEFAULT_BASE)
    return base, Publication(**settings)


def dataset_for_output(output: str) -> str:
    """The default dataset name of an export: its output file's name without the
    extension, made an IRI segment (``out/Lab A.nq`` is ``lab-a``); stdout's is
    :data:`~kg.namespaces.DEFAULT_DATASET`."""
    if output == "-":
        return DEFAULT_DATASET
    key = text_key(Path(output).stem)
    name = slug(key) if key else DEFAULT_DATASET
    return name if DATASET_NAME.match(name) else DEFAULT_DATASET


__all__ = ["Publication", "SETTINGS", "check_setting", "dataset_for_output", "export_settings",
           "issued_from_environment", "read_config"]
