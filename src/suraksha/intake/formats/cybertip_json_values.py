"""Typed, warning-collecting access to decoded JSON values for the law-enforcement JSON format.

Whatever a value holds, nothing here raises: a value that cannot be read (the wrong type, a number
out of range, an unknown key) is kept verbatim as JSON text in `kept`, with an `IngestWarning` naming
its JSONPath-like locator (`$.reportedInformation.reportedPeople.reportedPersons[0].foo`), and reads
as absent.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache

from suraksha.intake.formats.instants import parse_instant
from suraksha.intake.records import IngestWarning, KeptElement

_IDENTIFIER_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Json = object  # a value json.loads produced: dict, list, str, int, float, bool or None


def json_key(path: str, key: str) -> str:
    """The locator of `key` inside the object at `path` (bracketed when not a plain name)."""
    return f"{path}.{key}" if _plain(key) else f"{path}[{json.dumps(key)}]"


@lru_cache(maxsize=4096)
def _plain(key: str) -> bool:
    return _IDENTIFIER_KEY.fullmatch(key) is not None


class JsonReader:
    """Typed, warning-collecting access to one decoded document; see the module docstring."""

    def __init__(self) -> None:
        self.warnings: list[IngestWarning] = []
        self.kept: list[KeptElement] = []

    def warn(self, path: str, message: str) -> None:
        """Record something the format read past."""
        self.warnings.append(IngestWarning(path=path, message=message))

    def keep(self, path: str, value: Json, message: str) -> None:
        """Warn, and keep the value verbatim as JSON text."""
        self.warn(path, message)
        self.kept.append(KeptElement(path=path, text=json.dumps(value, ensure_ascii=False)))

    def obj(self, value: Json, path: str, known: frozenset[str]) -> dict[str, Json]:
        """An object (empty when null; another type is kept); unknown keys are kept."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.keep(
                path, value, f"Expected an object, found {json_kind(value)}; it is kept verbatim."
            )
            return {}
        for key, item in value.items():
            if key not in known:
                self.keep(
                    json_key(path, key),
                    item,
                    f"Unknown key {key!r}; it is kept verbatim with the tip.",
                )
        return value

    def items(self, value: Json, path: str) -> list[tuple[Json, str]]:
        """The entries of an array with their paths (empty when null; another type is kept)."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.keep(
                path, value, f"Expected an array, found {json_kind(value)}; it is kept verbatim."
            )
            return []
        return [(item, f"{path}[{index}]") for index, item in enumerate(value)]

    def wrapped(self, value: Json, path: str, inner: str) -> list[tuple[Json, str]]:
        """The list inside a `{"emails": [...]}`-style wrapper object."""
        wrapper = self.obj(value, path, frozenset({inner}))
        return self.items(wrapper.get(inner), json_key(path, inner))

    def text(self, value: Json, path: str) -> str | None:
        """A string (stripped, None when empty) or an integer as its digits; else it is kept."""
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        self.keep(path, value, f"Expected text, found {json_kind(value)}; it is kept verbatim.")
        return None

    def boolean(self, value: Json, path: str) -> bool | None:
        """A JSON boolean, or the text "true"/"false"; anything else is kept and reads as unknown."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        self.keep(
            path, value, f"Expected true or false, found {json_kind(value)}; it is kept verbatim."
        )
        return None

    def integer(self, value: Json, path: str, low: int, high: int) -> int | None:
        """An integer (or its digits as text) within [low, high]; anything else is kept."""
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,18}\s*", value):
            number = int(value)
        if value is None or (number is not None and low <= number <= high):
            return number
        shown = repr(value)[:40] if isinstance(value, str | int | float) else json_kind(value)
        self.keep(path, value, f"Expected a whole number {low}–{high}, found {shown}.")
        return None

    def instant(
        self, value: Json, path: str, *, text_kept: bool = False
    ) -> tuple[datetime | None, str | None]:
        """(aware UTC instant, original text); a time without a zone is no instant and warns.

        Unless the caller stores the text itself (`text_kept`), such a value is also kept verbatim.
        """
        text = self.text(value, path)
        if text is None:
            return None, None
        at, problem = parse_instant(text)
        if problem is not None and text_kept:
            self.warn(path, f"{text!r} {problem}.")
        elif problem is not None:
            self.keep(path, value, f"{text!r} {problem}.")
        return at, text

    def notes(self, value: Json, path: str) -> list[str]:
        """The texts of an `additionalInformations` array: `{"value": ...}` entries or bare text."""
        found = []
        for entry, where in self.items(value, path):
            if isinstance(entry, dict):
                fields = self.obj(entry, where, frozenset({"value"}))
                note = self.text(fields.get("value"), json_key(where, "value"))
            else:
                note = self.text(entry, where)
            if note is not None:
                found.append(note)
        return found


def json_kind(value: Json) -> str:
    """How a message names the type of a JSON value ("an object", "text", "null", ...)."""
    names: dict[type, str] = {dict: "an object", list: "an array", str: "text", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
