"""Project VIC / VICS JSON hash sets and case exports (VICS 1.x and 2.0), streamed.

{"@odata.context": "…/2.0.xml/US/$metadata#Media",      hash set: value[] of Media
 "value": [{"MediaID": 1, "Category": 1, "MD5": "…", …}]}
{"odata.metadata": "…/1.3.xml/$metadata#Cases",         case export: value[] of Cases,
 "value": [{"CaseID": …, "Media": [{…}, …]}]}           each with Media[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import BinaryIO, ClassVar

from suraksha.errors import FormatError
from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)
from suraksha.hashing.formats.json_stream import JsonStream
from suraksha.hashing.formats.values import (
    clean_digest,
    clean_text,
    digest_problem,
    parse_count,
    parse_flag,
)

_CONTEXT_KEYS = ("@odata.context", "odata.metadata")
_SNIFF = re.compile(r'\A\s*\{\s*"(?:@odata\.context|odata\.metadata)"\s*:')
# `…/DataModels/2.0.xml/US/$metadata#Media`: model version, region (2.0 only), entity set.
_CONTEXT = re.compile(
    r"/(?P<version>[0-9]+(?:\.[0-9]+)*)\.xml/(?:(?P<region>[^/$#]+)/)?\$metadata#(?P<entity>\w+)"
)
_HASHES = (("MD5", "md5"), ("SHA1", "sha1"), ("SHA256", "sha256"))
_FLAGS = {
    "VictimIdentified": "victim_identified",
    "OffenderIdentified": "offender_identified",
    "IsDistributed": "is_distributed",
    "IsPrecategorized": "is_precategorized",
}
_TEXTS = {"MediaID": "media_id", "Series": "series", "DateUpdated": "date_updated"}
# File names kept per media: enough to recognise it, not a place to store a whole listing.
MAX_FILE_NAMES = 20


class VicsFormat(HashListFormat):
    """VICS (Project VIC) JSON, version 1.x (`odata.metadata`) or 2.0 (`@odata.context`).

    Media are read from a hash set's `value[]` or from each case's `Media[]` in a case export,
    one at a time whatever the size of the file. Each Media yields a record per hash it has (MD5,
    SHA1, and SHA256 if present), sharing its labels: `category` is the VICS Category as text,
    `label` the MediaID. `extra` keeps `media_id`, `series`, `date_updated`, the yes/no fields
    `victim_identified`, `offender_identified`, `is_distributed` and `is_precategorized` (strings
    such as "true" are read as booleans; anything else warns), `media_size`, `photodna` (base 64
    as given: stored, never matched), `file_names` (from MediaFiles[]), and from the document's
    context `vics_version` and `region` (Default, US, UK or CUSTOM in 2.0; it names the category
    scheme). `line` counts Media from 1 across the file. A UTF-8 byte-order mark is accepted.
    JSON that breaks raises `FormatError`.
    """

    name: ClassVar[str] = "vics"
    description: ClassVar[str] = "Project VIC VICS JSON 1.x/2.0: hash sets and case exports"

    def sniff(self, head: bytes) -> bool:
        return bool(_SNIFF.match(_head_text(head)))

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        document = JsonStream(stream)
        context: dict[str, ExtraValue] = {}
        cases = False
        found_value = False
        number = 0
        if document.opens("{"):
            while True:
                key = document.key()
                if key in _CONTEXT_KEYS:
                    context, cases = _context(document.value())
                elif key == "value":
                    found_value = True
                    for path, media in _media(document, cases):
                        number += 1
                        yield from _records(media, number, path, context)
                else:
                    document.value()
                if not document.separator("}"):
                    break
        if not found_value:
            raise FormatError("This VICS document has no `value` array of Media or Cases.")
        if document.peek():
            yield HashListWarning(
                number, f"data after the JSON document (character {document.offset}) ignored"
            )


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _context(raw: object) -> tuple[dict[str, ExtraValue], bool]:
    """What the context URL says: model version and region, and whether the set holds Cases."""
    if not isinstance(raw, str):
        return {}, False
    match = _CONTEXT.search(raw)
    if match is None:
        return {}, raw.endswith("#Cases")
    context: dict[str, ExtraValue] = {"vics_version": match["version"]}
    if match["region"]:
        context["region"] = match["region"]
    return context, match["entity"] == "Cases"


def _media(document: JsonStream, cases: bool) -> Iterator[tuple[str, object]]:
    """Each Media of the `value` array with its path, stepping into Cases' Media arrays.

    In a case export (by its context) a case is walked key by key, so one case holding a million
    Media is still read one Media at a time. Elsewhere each item is decoded whole, and an item
    that turns out to be a case (a `Media` array; the context was missing) is opened then.
    """
    if not document.opens("["):
        return
    index = 0
    while True:
        path = f"value[{index}]"
        if cases and document.peek() == "{":
            yield from _case_media(document, path)
        else:
            item = document.value()
            media = item.get("Media") if isinstance(item, dict) else None
            if isinstance(media, list):
                for position, entry in enumerate(media):
                    yield f"{path}.Media[{position}]", entry
            else:
                yield path, item
        index += 1
        if not document.separator("]"):
            return


def _case_media(document: JsonStream, path: str) -> Iterator[tuple[str, object]]:
    if not document.opens("{"):
        return
    while True:
        key = document.key()
        if key == "Media" and document.peek() == "[":
            if document.opens("["):
                position = 0
                while True:
                    yield f"{path}.Media[{position}]", document.value()
                    position += 1
                    if not document.separator("]"):
                        break
        else:
            document.value()
        if not document.separator("}"):
            return


def _records(
    media: object, number: int, path: str, context: Mapping[str, ExtraValue]
) -> Iterator[HashRecord | HashListWarning]:
    if not isinstance(media, dict):
        yield HashListWarning(number, f"{path} is not a Media object")
        return
    media_id = clean_text(media.get("MediaID"))
    where = f"{path} (MediaID {media_id})" if media_id else path
    extra, problems = _extra(media, context)
    for problem in problems:
        yield HashListWarning(number, f"{where}: {problem}")
    category = clean_text(media.get("Category"), limit=32)
    found = False
    for key, algorithm in _HASHES:
        raw = media.get(key)
        if raw is None or raw == "":
            continue
        value = clean_digest(algorithm, raw) if isinstance(raw, str) else None
        if value is None:
            yield HashListWarning(number, f"{where}: {key} {digest_problem(algorithm, raw)}")
            continue
        found = True
        yield HashRecord(algorithm, value, number, category=category, label=media_id, extra=extra)
    if not found and all(media.get(key) in (None, "") for key, _ in _HASHES):
        yield HashListWarning(number, f"{where} has no MD5, SHA1 or SHA256")


def _extra(
    media: dict[str, object], context: Mapping[str, ExtraValue]
) -> tuple[dict[str, ExtraValue], list[str]]:
    extra: dict[str, ExtraValue] = dict(context)
    problems: list[str] = []
    for key, name in _TEXTS.items():
        text = clean_text(media.get(key))
        if text is not None:
            extra[name] = text
    for key, name in _FLAGS.items():
        raw = media.get(key)
        if raw is None or raw == "":
            continue
        flag = parse_flag(raw)
        if flag is None:
            problems.append(f"{key} {str(raw)[:40]!r} is not true or false; not kept")
        else:
            extra[name] = flag
    size = parse_count(media.get("MediaSize"))
    if size is not None:
        extra["media_size"] = size
    photodna = clean_text(media.get("PhotoDNA"), limit=4096)
    if photodna is not None:
        extra["photodna"] = photodna
    names = _file_names(media.get("MediaFiles"))
    if names:
        extra["file_names"] = names
    return extra, problems


def _file_names(files: object) -> tuple[str, ...]:
    if not isinstance(files, list):
        return ()
    names: list[str] = []
    for entry in files:
        name = clean_text(entry.get("FileName")) if isinstance(entry, dict) else None
        if name is not None and name not in names:
            names.append(name)
            if len(names) == MAX_FILE_NAMES:
                break
    return tuple(names)
