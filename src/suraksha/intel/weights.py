"""Priority weights: the file that says how many points each factor adds, and its validation.

Suraksha ships `priority-weights.toml` beside this module. A state that weighs things differently
writes its own file with only the keys it changes (plus its own `name` and `version`) and points
`SURAKSHA_PRIORITY_WEIGHTS` at it; its values replace the packaged ones key by key. The file is
read strictly: a misspelt factor would otherwise be silently ignored and the state would believe a
weight applied that did not, so an unknown key, a value that is not a number, or a sign that would
let more evidence lower a score is a `ConfigurationError` naming the file and the key.

    name, version                   who wrote these weights (recorded with every score)
    [factors]                       points per factor (see FACTORS)
    [severity.industry]             A1 A2 B1 B2: the platform's classification of a file
    [severity.bank]                 most_serious serious abuse: a bank category's common severity
    [clocks.<clock>]                days urgent_days open_points urgent_points (see CLOCKS)
    [access_to_children] terms      words that suggest work or care with children

Every assessment records `label` and `digest`: the digest covers the numbers and terms in force
(not the name, comments or layout), so two files that weigh alike share it and any change of a
weight changes it.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from suraksha.errors import ConfigurationError

PACKAGED_FILE = "priority-weights.toml"

FACTORS: Final = (
    "contact_offence",
    "child_in_report",
    "sextortion",
    "sadistic_online_exploitation",
    "csam_solicitation",
    "access_to_children",
    "escalated_by_platform",
    "never_seen_material",
    "possible_self_production",
    "camera_metadata",
    "known_material",
    "volume",
    "repeat_reports",
    "prior_reports",
    "group_membership",
    "group_produces_material",
    "viral_material_only",
    "ignorable_material_only",
)
"""Factors with one weight each (severity and the clocks have their own tables)."""
LOWERING: Final = frozenset({"viral_material_only", "ignorable_material_only"})
"""Factors whose weight must be 0 or negative; every other weight must be 0 or positive."""
INDUSTRY_CLASSES: Final = ("A1", "A2", "B1", "B2")
BANK_SEVERITIES: Final = ("most_serious", "serious", "abuse")
CLOCKS: Final = ("platform_preservation", "operator_ip_logs", "cert_in_logs", "device_wipe")

_NUMBER, _DAYS, _TEXT, _TERMS = "a number", "a whole number of days", "text", "a list of words"
_CLOCK_SPEC = {
    "days": _DAYS,
    "urgent_days": _DAYS,
    "open_points": _NUMBER,
    "urgent_points": _NUMBER,
}
SCHEMA: Final[Mapping[str, Any]] = {
    "name": _TEXT,
    "version": _TEXT,
    "factors": dict.fromkeys(FACTORS, _NUMBER),
    "severity": {
        "industry": dict.fromkeys(INDUSTRY_CLASSES, _NUMBER),
        "bank": dict.fromkeys(BANK_SEVERITIES, _NUMBER),
    },
    "clocks": {clock: _CLOCK_SPEC for clock in CLOCKS},
    "access_to_children": {"terms": _TERMS},
}
"""Every key a weights file may hold, and what its value must be."""


@dataclass(frozen=True, slots=True)
class Clock:
    """A freshness window: `days` long, urgent in its last `urgent_days`.

    Points rise linearly from `open_points` (window just opened) to `urgent_points` (reached when
    `urgent_days` are left, and kept until the deadline): the nearer the deadline, the sooner the
    unit must act, and after it there is nothing left to hurry for.
    """

    days: int
    urgent_days: int
    open_points: float
    urgent_points: float

    def points(self, days_left: int) -> float:
        """Points for a window with `days_left` whole days to its deadline (0 or more)."""
        if days_left <= self.urgent_days:
            return self.urgent_points
        progress = min(1.0, max(0.0, (self.days - days_left) / (self.days - self.urgent_days)))
        return self.open_points + (self.urgent_points - self.open_points) * progress


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    """The weights in force, with where they came from."""

    name: str
    version: str
    origin: str  # the state file's path, or "packaged" for the defaults alone
    factors: Mapping[str, float]
    industry: Mapping[str, float]
    bank: Mapping[str, float]
    clocks: Mapping[str, Clock]
    access_terms: tuple[str, ...]

    @property
    def label(self) -> str:
        """Name and version, as recorded with every assessment."""
        return f"{self.name} {self.version}"

    @property
    def digest(self) -> str:
        """SHA-256 over the numbers and terms in force (canonical JSON): which weights scored."""
        canonical = json.dumps(
            {
                "factors": dict(self.factors),
                "severity": {"industry": dict(self.industry), "bank": dict(self.bank)},
                "clocks": {
                    name: {
                        "days": c.days,
                        "urgent_days": c.urgent_days,
                        "open_points": c.open_points,
                        "urgent_points": c.urgent_points,
                    }
                    for name, c in self.clocks.items()
                },
                "access_to_children": {"terms": list(self.access_terms)},
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@cache
def default_weights() -> PriorityWeights:
    """The packaged weights (read once per process)."""
    return _build(_packaged(), origin="packaged")


def load_weights(path: Path | None = None) -> PriorityWeights:
    """The packaged weights, overlaid with the state's file at `path` when one is given.

    Raises ConfigurationError, naming the file and the key, for a file that cannot be read or
    parsed, an unknown key, a value of the wrong kind, a missing `name` or `version`, or a weight
    whose sign would let more evidence lower a score.
    """
    if path is None:
        return default_weights()
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigurationError(
            f"Cannot read the priority weights file {origin} ({getattr(err, 'strerror', None) or err}). "
            "Fix SURAKSHA_PRIORITY_WEIGHTS, or unset it to use the packaged weights."
        ) from err
    state = _parse(text, origin)
    for required in ("name", "version"):
        if required not in state:
            raise ConfigurationError(
                f"{origin}: `{required}` is missing. A state's weights file names itself "
                '(name = "kerala-cpu", version = "2027.1") so that every score can say which '
                "weights made it."
            )
    return _build(_merge(_packaged(), state), origin=origin)


def _packaged() -> dict[str, Any]:
    text = resources.files("suraksha.intel").joinpath(PACKAGED_FILE).read_text(encoding="utf-8")
    return _parse(text, f"packaged {PACKAGED_FILE}")


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigurationError(f"{origin} is not valid TOML: {err}.") from err
    _check(data, SCHEMA, origin, "")
    return data


def _check(data: Mapping[str, Any], spec: Mapping[str, Any], origin: str, prefix: str) -> None:
    """Every key known, every value of the kind its spec names (a spec is a table or a kind)."""
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key not in spec:
            known = ", ".join(sorted(spec))
            raise ConfigurationError(
                f"{origin}: unknown key `{where}`. Known keys{' in ' + prefix[:-1] if prefix else ''}: "
                f"{known}. See docs/priority.md."
            )
        kind = spec[key]
        if isinstance(kind, Mapping):
            if not isinstance(value, dict):
                raise ConfigurationError(f"{origin}: `{where}` must be a table ([{where}]).")
            _check(value, kind, origin, where + ".")
        elif not _is_kind(value, kind):
            raise ConfigurationError(
                f"{origin}: `{where}` must be {kind}, not {value!r} ({type(value).__name__})."
            )


def _is_kind(value: Any, kind: str) -> bool:
    # bool is an int in Python, but `true` is never a weight.
    if kind == _NUMBER:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and math.isfinite(value)
    if kind == _DAYS:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _TEXT:
        return isinstance(value, str) and bool(value.strip())
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        below = merged.get(key)
        merged[key] = _merge(below, value) if isinstance(below, dict) else value
    return merged


def _build(data: Mapping[str, Any], *, origin: str) -> PriorityWeights:
    """Weights from a complete, checked table; the signs and windows are checked here."""
    try:
        factors = {name: float(data["factors"][name]) for name in FACTORS}
        industry = {c: float(data["severity"]["industry"][c]) for c in INDUSTRY_CLASSES}
        bank = {s: float(data["severity"]["bank"][s]) for s in BANK_SEVERITIES}
        clocks = {
            name: Clock(
                days=int(table["days"]),
                urgent_days=int(table["urgent_days"]),
                open_points=float(table["open_points"]),
                urgent_points=float(table["urgent_points"]),
            )
            for name in CLOCKS
            for table in (data["clocks"][name],)
        }
        terms = tuple(t.strip() for t in data["access_to_children"]["terms"])
        name, version = str(data["name"]), str(data["version"])
    except KeyError as err:  # only the packaged file can lack a key: states overlay it
        raise ConfigurationError(f"{origin}: `{err.args[0]}` is missing.") from err
    for factor, weight in factors.items():
        lowering = factor in LOWERING
        if (lowering and weight > 0) or (not lowering and weight < 0):
            raise ConfigurationError(
                f"{origin}: `factors.{factor}` = {weight:g} has the wrong sign: it must be "
                f"{'0 or negative (it lowers priority)' if lowering else '0 or positive'}, so that "
                "more evidence can never lower a score."
            )
    for table, values in (("severity.industry", industry), ("severity.bank", bank)):
        for key, weight in values.items():
            if weight < 0:
                raise ConfigurationError(f"{origin}: `{table}.{key}` must be 0 or positive.")
    for clock_name, clock in clocks.items():
        where = f"clocks.{clock_name}"
        if clock.days < 1 or not 0 <= clock.urgent_days < clock.days:
            raise ConfigurationError(
                f"{origin}: `{where}` needs days ≥ 1 and 0 ≤ urgent_days < days "
                f"(has days = {clock.days}, urgent_days = {clock.urgent_days})."
            )
        if not 0 <= clock.open_points <= clock.urgent_points:
            raise ConfigurationError(
                f"{origin}: `{where}` needs 0 ≤ open_points ≤ urgent_points: points rise as the "
                "window closes."
            )
    return PriorityWeights(
        name=name,
        version=version,
        origin=origin,
        factors=factors,
        industry=industry,
        bank=bank,
        clocks=clocks,
        access_terms=terms,
    )
