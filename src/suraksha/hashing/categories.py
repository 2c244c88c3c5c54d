"""Category schemes of hash lists: what each list's category codes mean, and one severity order.

A category code means nothing without its scheme: VICS "1" is child abuse material in the Project
VIC US scheme and Category A in the UK's CAID numbering. So every bank stores its scheme
(`HashBank.category_scheme`), and this module turns (scheme, code) into a label and a common
`Severity`, so that matches from banks of different schemes can be shown side by side and sorted.

    scheme      codes (aliases)                                   source
    vics-us     0 non-pertinent … 4 comparison                    VICS 2.0, region US
    vics-dhs    0 uncategorised … 5 non-pertinent (CAT-n)         VICS 1.x, legacy DHS
    uk-caid     0 not relevant, 1–3 = Category A–C (A, B, C)      VICS 2.0, region UK
    industry    A1, A2, B1, B2                                     NCMEC hash sharing

The severity order is coarse on purpose: it ranks for display and triage, it is not a legal grading
(charges follow the law of the case, see `cases/`), and a label always travels with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    """A common order over every scheme's categories, least to most serious."""

    NOT_RELEVANT = 0  # categorised and found not pertinent (not abuse material)
    UNCATEGORISED = 1  # listed without a category, or with a code the scheme does not define
    RELATED = 2  # not itself abuse material but part of the picture: age-difficult, CGI, comparison
    ABUSE = 3  # abuse material, ungraded or the least serious grade (CAID C, industry B2)
    SERIOUS = 4  # CAID B; industry A2 and B1
    MOST_SERIOUS = 5  # CAID A; industry A1 (prepubescent, sex act)


@dataclass(frozen=True, slots=True)
class Category:
    """One category of a scheme: its code as the scheme writes it, label, and severity."""

    scheme: str
    code: str
    label: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class CategoryScheme:
    """A scheme's categories by canonical code, and the other spellings lists use for them."""

    name: str
    title: str
    categories: tuple[Category, ...]
    aliases: tuple[tuple[str, str], ...] = ()  # (alias, canonical code), upper-case

    def find(self, code: str | None) -> Category | None:
        """The category a code names (case, spaces and a `CAT-`/`Category` prefix ignored), or
        None if the scheme has no such code. None and "" are not categories."""
        if code is None:
            return None
        text = _PREFIX.sub("", code.strip().upper()).strip()
        text = dict(self.aliases).get(text, text)
        return next((c for c in self.categories if c.code == text), None)


def _scheme(
    name: str,
    title: str,
    rows: list[tuple[str, str, Severity]],
    aliases: tuple[tuple[str, str], ...] = (),
) -> CategoryScheme:
    categories = tuple(Category(name, code, label, severity) for code, label, severity in rows)
    return CategoryScheme(name, title, categories, aliases)


_PREFIX = re.compile(r"^(?:CAT(?:EGORY)?[\s\-_.]*)")

SCHEMES: tuple[CategoryScheme, ...] = (
    _scheme(
        "vics-us",
        "Project VIC US (VICS 2.0)",
        [
            ("0", "non-pertinent", Severity.NOT_RELEVANT),
            ("1", "child abuse material", Severity.ABUSE),
            ("2", "child exploitive / age difficult", Severity.RELATED),
            ("3", "CGI / animation", Severity.RELATED),
            ("4", "comparison", Severity.RELATED),
        ],
    ),
    _scheme(
        "vics-dhs",
        "legacy DHS (VICS 1.x)",
        [
            ("0", "uncategorised", Severity.UNCATEGORISED),
            ("1", "child abuse material", Severity.ABUSE),
            ("2", "child exploitive / age difficult", Severity.RELATED),
            ("3", "CGI / animation", Severity.RELATED),
            ("4", "comparison", Severity.RELATED),
            ("5", "non-pertinent", Severity.NOT_RELEVANT),
        ],
    ),
    _scheme(
        "uk-caid",
        "UK CAID (Sentencing Council categories)",
        [
            ("0", "not relevant", Severity.NOT_RELEVANT),
            ("1", "Category A", Severity.MOST_SERIOUS),
            ("2", "Category B", Severity.SERIOUS),
            ("3", "Category C", Severity.ABUSE),
        ],
        aliases=(("A", "1"), ("B", "2"), ("C", "3")),
    ),
    _scheme(
        "industry",
        "industry classification (NCMEC A1–B2)",
        [
            ("A1", "prepubescent minor, sex act", Severity.MOST_SERIOUS),
            ("A2", "prepubescent minor, lascivious exhibition", Severity.SERIOUS),
            ("B1", "pubescent minor, sex act", Severity.SERIOUS),
            ("B2", "pubescent minor, lascivious exhibition", Severity.ABUSE),
        ],
    ),
)
"""Every scheme Suraksha knows, in the order `suraksha hashes import --scheme` lists them."""

_ALIASES = {
    "us": "vics-us",
    "vic-us": "vics-us",
    "projectvic-us": "vics-us",
    "dhs": "vics-dhs",
    "legacy-dhs": "vics-dhs",
    "uk": "uk-caid",
    "caid": "uk-caid",
    "ncmec": "industry",
}


def scheme_named(name: str | None) -> CategoryScheme | None:
    """The scheme a name stands for (its own name or a short alias such as `us`, `uk`, `dhs`,
    `caid`, `ncmec`; case and `_`/space for `-` ignored), or None for None, "" or an unknown name."""
    if name is None:
        return None
    text = re.sub(r"[\s_]+", "-", name.strip().lower())
    text = _ALIASES.get(text, text)
    return next((scheme for scheme in SCHEMES if scheme.name == text), None)


def describe(scheme: str | None, code: str | None) -> Category | None:
    """The category of `code` in the bank scheme `scheme`, or None if either is unknown."""
    found = scheme_named(scheme)
    return found.find(code) if found is not None else None


def severity(scheme: str | None, code: str | None) -> Severity:
    """The common severity of a code; `UNCATEGORISED` where the scheme or the code is unknown."""
    category = describe(scheme, code)
    return category.severity if category is not None else Severity.UNCATEGORISED


def scheme_of_list(format_name: str, extra: dict[str, object]) -> str | None:
    """The scheme a list declares, from its format and its first record's `extra`, if any.

    VICS 2.0 names its region in the context URL (US → `vics-us`, UK → `uk-caid`; Default and
    CUSTOM say nothing); VICS 1.x lists used the legacy DHS scheme; NCMEC hash-sharing lists use
    the industry classification. Other formats carry no categories.
    """
    if format_name == "ncmec_xml":
        return "industry"
    if format_name != "vics":
        return None
    region = str(extra.get("region", "")).upper()
    if region:
        return {"US": "vics-us", "UK": "uk-caid"}.get(region)
    version = str(extra.get("vics_version", ""))
    return "vics-dhs" if version.startswith("1") else None
