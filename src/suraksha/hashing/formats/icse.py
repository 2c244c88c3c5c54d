"""INTERPOL ICSE exports: semicolon-separated CSV headed `MD5;SHA1;PhotoDNA;Image ID;…`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)
from suraksha.hashing.formats.lines import column_key, csv_rows, split_row
from suraksha.hashing.formats.values import (
    clean_digest,
    clean_text,
    digest_problem,
    parse_count,
    parse_flag,
)

_COLUMNS = {
    "md5": ("md5",),
    "sha1": ("sha1",),
    "photodna": ("photodna",),
    "image_id": ("imageid",),
    "is_distributed": ("isdistributed",),
    "victim_identified": ("victimidentified",),
    "offender_identified": ("offenderidentified",),
    "series": ("seriesname",),
    "submissions": ("numberofsubmissions",),
    "file_available": ("fileavailable",),
    "media_type": ("mediatype",),
    "baseline": ("baseline",),
}
_FLAGS = (
    "is_distributed",
    "victim_identified",
    "offender_identified",
    "file_available",
    "baseline",
)
_TEXTS = ("image_id", "series", "media_type")


class IcseFormat(HashListFormat):
    """INTERPOL International Child Sexual Exploitation database exports (CSV, `;`-separated).

    Each row gives an MD5 and/or a SHA-1, yielded as one record each with the same labels: the
    Image ID is the label, and the yes/no columns (distributed, victim or offender identified,
    file available, baseline), series, submissions, media type and PhotoDNA (stored, never
    matched) are kept in `extra`. ICSE gives no category.
    """

    name: ClassVar[str] = "icse"
    description: ClassVar[str] = "INTERPOL ICSE CSV: MD5;SHA1;PhotoDNA;Image ID;…;Baseline"

    def sniff(self, head: bytes) -> bool:
        first = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        keys = [column_key(cell) for cell in split_row(first.rstrip("\r"), ";")]
        return keys[:3] == ["md5", "sha1", "photodna"]

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        rows = csv_rows(
            stream, delimiter=";", columns=_COLUMNS, required=("md5", "sha1"), format_label="ICSE"
        )
        for row in rows:
            if isinstance(row, HashListWarning):
                yield row
                continue
            number, fields = row
            extra, problems = _extra(fields)
            for problem in problems:
                yield HashListWarning(number, problem)
            label = clean_text(fields.get("image_id"))
            found = False
            for algorithm in ("md5", "sha1"):
                raw = fields[algorithm]
                if not raw:
                    continue
                value = clean_digest(algorithm, raw)
                if value is None:
                    yield HashListWarning(
                        number, f"{algorithm.upper()} {digest_problem(algorithm, raw)}"
                    )
                    continue
                found = True
                yield HashRecord(algorithm, value, number, label=label, extra=extra)
            if not found and not any(fields[algorithm] for algorithm in ("md5", "sha1")):
                yield HashListWarning(number, "row has neither an MD5 nor a SHA1")


def _extra(fields: dict[str, str]) -> tuple[dict[str, ExtraValue], list[str]]:
    extra: dict[str, ExtraValue] = {}
    problems: list[str] = []
    for key in _TEXTS:
        text = clean_text(fields.get(key))
        if text is not None:
            extra[key] = text
    photodna = clean_text(fields.get("photodna"), limit=4096)
    if photodna is not None:
        extra["photodna"] = photodna
    for key in _FLAGS:
        raw = fields.get(key, "")
        if not raw:
            continue
        flag = parse_flag(raw)
        if flag is None:
            problems.append(f"{key.replace('_', ' ')} {raw[:40]!r} is not yes or no; not kept")
        else:
            extra[key] = flag
    raw_count = fields.get("submissions", "")
    if raw_count:
        count = parse_count(raw_count)
        if count is None:
            problems.append(f"number of submissions {raw_count[:40]!r} is not a count; not kept")
        else:
            extra["submissions"] = count
    return extra, problems
