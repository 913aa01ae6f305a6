"""Read the curation file: a person's same / different / owner / split decisions (TOML).

Format (README, "Curation file")::

    [[same]]                  # these names are one person
    names = ["H. Francis Song", "Francis Song"]

    [[different]]             # these spellings are different people
    names = ["Wei Wang", "Wang Wei"]

    [[owner]]                 # the owner of a profile whose header is a first name
    profile = "001_c072ff5ac69f094b.txt"
    person = "Shuaiqi Xia"

    [[split]]                 # where a glued listing byline's title ends
    profile = "000_d56e7dbe932bb055.txt"
    line = 2
    title = "Nemotron-4 340B Technical Report"

Names are written ``Given Family`` or ``Family, Given``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kg.errors import InputError
from kg.models import Curation

_TOML_LINE = re.compile(r"at line (\d+)")
_KEYS = {"same": {"names"}, "different": {"names"}, "owner": {"profile", "person"}, "split": {"profile", "line", "title"}}


def display_name(name: str) -> str:
    """``Family, Given`` -> ``Given Family``; whitespace folded."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        name = f"{given} {family}"
    return " ".join(name.split())


def _table_line(text: str, table: str, index: int) -> int | None:
    """Line of the ``index``-th ``[[table]]`` header, for messages."""
    headers = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == f"[[{table}]]"]
    return headers[index] if index < len(headers) else None


def _names(entry: dict, where: tuple[str, int | None], table: str) -> tuple[str, ...]:
    names = entry.get("names")
    if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) and n.strip() for n in names):
        raise InputError.at(*where, f"[[{table}]] needs names = a list of at least two non-empty names")
    return tuple(display_name(n) for n in names)


def read_toml(path: Path, kind: str, hint: str) -> tuple[str, dict]:
    """The text and data of a TOML file (a ``kind`` such as "curation file"), or an
    InputError naming the file and, for bad TOML, the line."""
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except OSError as exc:
        raise InputError.at(str(path), None, f"cannot read the {kind}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError.at(str(path), None, f"the {kind} is not UTF-8 text: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else (len(text.splitlines()) or None)  # "at end of document"
        raise InputError.at(str(path), line, f"not valid TOML: {exc}", hint) from None


def read_curation(path: Path) -> Curation:
    """The decisions of a curation file, or an InputError naming the file and line."""
    text, data = read_toml(path, "curation file", "see README, \"Curation file\", for the format")
    unknown = sorted(set(data) - _KEYS.keys())
    if unknown:
        raise InputError.at(str(path), _table_line(text, unknown[0], 0), f"unknown table {unknown[0]!r}; expected [[same]], [[different]], "
                            "[[owner]] or [[split]]")
    same, different, owners, splits = [], [], [], []
    for table, entries in data.items():
        if not isinstance(entries, list):
            raise InputError.at(str(path), None, f"{table} must be written as [[{table}]] tables")
        for index, entry in enumerate(entries):
            where = (str(path), _table_line(text, table, index))
            if extra := sorted(set(entry) - _KEYS[table]):
                raise InputError.at(*where, f"[[{table}]] has an unknown key {extra[0]!r}; expected "
                                    f"{', '.join(sorted(_KEYS[table]))}")
            if table == "owner":
                if not all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("profile", "person")):
                    raise InputError.at(*where, "[[owner]] needs profile = \"file name\" and person = \"name\"")
                owners.append((entry["profile"].strip(), display_name(entry["person"])))
            elif table == "split":
                splits.append(_split(entry, where))
            else:
                (same if table == "same" else different).append(_names(entry, where, table))
    return Curation(path=str(path), same=tuple(same), different=tuple(different), owners=tuple(owners),
                    splits=tuple(splits))


def _split(entry: dict, where: tuple[str, int | None]) -> tuple[str, int, str]:
    """A ``[[split]]``: the title a listing byline (profile, line) has, where the rules'
    two best readings were close (the report's ``byline_choices``)."""
    profile, line, title = entry.get("profile"), entry.get("line"), entry.get("title")
    if not (isinstance(profile, str) and profile.strip() and isinstance(line, int) and line > 0
            and isinstance(title, str) and title.strip()):
        raise InputError.at(*where, '[[split]] needs profile = "file name", line = the byline\'s line number and '
                            'title = "the title"')
    return profile.strip(), line, " ".join(title.split())
