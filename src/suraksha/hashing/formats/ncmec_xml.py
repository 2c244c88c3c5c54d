"""NCMEC hash-sharing XML: entries and deletions of the hash-sharing service, streamed.

    <queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
      <images count="…" maxTimestamp="…">
        <image> <member id="42">…</member> <timestamp>…</timestamp> <id>…</id>
                <classification>A1</classification>
                <fingerprints> <md5>…</md5> <sha1>…</sha1> <pdna>…</pdna> </fingerprints>
                <feedback>…</feedback> </image>
        <deletedImage> <member …/> <id>…</id> <timestamp>…</timestamp> </deletedImage>
      </images>
      <videos> <video>…</video> <deletedVideo>…</deletedVideo> </videos>
      <paging> <next>…</next> </paging>
    </queryResult>

Elements are matched by local name, so any namespace (or none) is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, ClassVar

from lxml import etree

from suraksha.errors import FormatError, HostileInputError
from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)
from suraksha.hashing.formats.values import (
    ENTRY_ID,
    MAX_ENTRY_ID,
    clean_digest,
    clean_text,
    digest_problem,
)

CHUNK_BYTES = 64 * 1024
# No field of an entry is longer than a PhotoDNA hash; text past this is not kept in memory.
MAX_TEXT_CHARS = 64 * 1024
# Entry element → (media kind, whether it withdraws the entry).
_ENTRIES = {
    "image": ("image", False),
    "video": ("video", False),
    "deletedImage": ("image", True),
    "deletedVideo": ("video", True),
}
_GROUPS = frozenset({"images", "videos"})
_FIELDS = frozenset({"id", "classification", "timestamp", "member"})
_HASH_FINGERPRINTS = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "pdq": "pdq"}
# The first element, after an XML declaration, comments or a DOCTYPE (which `read` refuses, but
# which must not hide the format), is <queryResult>, in any namespace prefix.
_SNIFF_ROOT = re.compile(
    r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<(?:[\w.-]+:)?queryResult[\s>/]",
    re.DOTALL,
)
# Pages nest six levels deep; libxml2's own depth limit does not apply to a parser target.
MAX_DEPTH = 64
# Local names remembered per document; a document with more distinct tags is not a real page.
_MAX_NAMES = 1024
_NOT_KEY = re.compile(r"[^0-9a-z]+")
# libxml2 messages that mean a document tried to exhaust the parser, not that it is merely broken.
_HOSTILE_MESSAGES = ("amplification", "Excessive depth", "huge", "entity reference loop")


class NcmecXmlFormat(HashListFormat):
    """NCMEC hash-sharing `<queryResult>` documents: a page of additions and deletions.

    Each `<image>`/`<video>` yields a record per hash fingerprint (md5, sha1, sha256, pdq) with the
    NCMEC `id` as label and the `classification` (A1, A2, B1, B2) as category; `extra` keeps
    `media_kind` (image or video), `member`, `member_id`, `timestamp`, `photodna` (the `<pdna>`
    fingerprint: stored, never matched) and other fingerprints as `fingerprint_<name>` (their text,
    or the `href` NCMEC links them by). A `<deletedImage>`/`<deletedVideo>` yields records with
    `removed=True`: one per fingerprint it names, and one `entry_id` record carrying its id, since
    NCMEC deletions usually name only the id. Because a page is a delta, the format is not a
    snapshot (`snapshot = False`).

    The parser is libxml2 hardened as for tips: no DTD loading, no entity expansion, no network,
    libxml2's size limits on. A DOCTYPE raises `HostileInputError` before anything is yielded.
    Nothing is built into a tree: a parser target receives events and keeps only the entry being
    read, so memory is bounded whatever the size of the page. `line` counts entries from 1.
    """

    name: ClassVar[str] = "ncmec_xml"
    description: ClassVar[str] = "NCMEC hash-sharing XML <queryResult> (images, videos, deletions)"
    snapshot: ClassVar[bool] = False

    def sniff(self, head: bytes) -> bool:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = head.decode("utf-16", errors="replace")
        else:
            text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        return bool(_SNIFF_ROOT.match(text))

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        target = _Target()
        parser = etree.XMLParser(
            target=target,
            resolve_entities=False,  # never substitute entities, internal or external
            no_network=True,  # never fetch anything
            load_dtd=False,  # never read an external DTD
            dtd_validation=False,
            huge_tree=False,  # keep libxml2's limits on text size, depth and amplification
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                parser.feed(chunk)
                yield from target.drain()
            parser.close()
        except etree.XMLSyntaxError as err:
            raise _syntax_error(err) from None
        except (etree.LxmlError, ValueError) as err:
            raise FormatError(f"This NCMEC hash-sharing document cannot be read: {err}.") from None
        yield from target.drain()
        if not target.saw_root:
            raise FormatError("This NCMEC hash-sharing document has no <queryResult> element.")


def _syntax_error(err: etree.XMLSyntaxError) -> FormatError:
    message = " ".join(str(err.msg or err).split())
    if any(marker in message for marker in _HOSTILE_MESSAGES):
        return HostileInputError(
            f"This NCMEC hash-sharing document was refused: it tries to exhaust the XML parser "
            f"({message})."
        )
    return FormatError(f"This NCMEC hash-sharing document is not well-formed XML: {message}.")


@dataclass(slots=True)
class _Entry:
    """The entry being read: its element name, number, fields and fingerprints."""

    kind: str
    number: int
    fields: dict[str, str] = field(default_factory=dict)
    member_id: str | None = None
    fingerprints: dict[str, str] = field(default_factory=dict)


class _Target:
    """lxml parser target: turns start/data/end events into records, keeping one entry at most."""

    def __init__(self) -> None:
        self.saw_root = False
        self._path: list[str] = []
        self._entry: _Entry | None = None
        self._count = 0
        self._names: dict[str | bytes, str] = {}
        self._text: list[str] | None = None  # text of the field being read, if one is
        self._text_depth = 0  # depth of that field, 0 when none
        self._text_chars = 0
        self._out: list[HashRecord | HashListWarning] = []

    def drain(self) -> list[HashRecord | HashListWarning]:
        """What the events so far produced, handed over once."""
        out, self._out = self._out, []
        return out

    def doctype(self, name: str | None, public_id: str | None, system_id: str | None) -> None:
        # A DTD is never part of a hash-sharing page; it is how entity bombs and external-entity
        # file reads are delivered, so the document is refused before anything is read from it.
        raise HostileInputError(
            "This NCMEC hash-sharing document was refused: it declares a DTD (DOCTYPE), which "
            "hash-sharing documents never do; DTDs carry entity-expansion bombs and file reads."
        )

    def start(self, tag: str | bytes, attrib: dict[str | bytes, str | bytes]) -> None:
        name = self._names.get(tag) or self._name(tag)
        path = self._path
        path.append(name)
        depth = len(path)
        if depth > MAX_DEPTH:
            raise HostileInputError(
                "This NCMEC hash-sharing document was refused: its elements are nested more than "
                f"{MAX_DEPTH} levels deep, which only a document built to exhaust a reader is."
            )
        entry = self._entry
        if entry is not None:
            if depth == 4 and name in _FIELDS:
                self._capture(depth)
                if name == "member":
                    entry.member_id = _text(attrib.get("id", ""))
            elif depth == 5 and path[3] == "fingerprints":
                self._capture(depth)
                href = attrib.get("href")
                if href:
                    entry.fingerprints[name] = _text(href)
        elif depth == 3 and path[1] in _GROUPS:
            self._count += 1
            if name in _ENTRIES:
                self._entry = _Entry(name, self._count)
            else:
                self._out.append(HashListWarning(self._count, f"unknown element <{name}> skipped"))
        elif depth == 1:
            if name != "queryResult":
                raise FormatError(
                    f"This is not an NCMEC hash-sharing document: its root is <{name}>, "
                    "not <queryResult>."
                )
            self.saw_root = True

    def data(self, data: str | bytes) -> None:
        text = self._text
        if text is not None and self._text_chars < MAX_TEXT_CHARS:
            text.append(_text(data))
            self._text_chars += len(data)

    def comment(self, text: str | bytes) -> None:
        """Comments carry nothing (the parser removes them anyway)."""

    def end(self, tag: str | bytes) -> None:
        path = self._path
        depth = len(path)
        name = path.pop()
        entry = self._entry
        if entry is None:
            return
        if depth == self._text_depth:
            text = "".join(self._text or ())[:MAX_TEXT_CHARS].strip()
            self._text, self._text_depth = None, 0
            if depth == 4:
                entry.fields[name] = text
            elif text:
                entry.fingerprints[name] = text
        elif depth == 3:
            self._out.extend(_records(entry))
            self._entry = None

    def close(self) -> None:
        """Called by lxml at the end of the document; records are collected through `drain`."""

    def _capture(self, depth: int) -> None:
        """Collect the text of the element just opened at `depth` (a field or a fingerprint)."""
        self._text, self._text_depth, self._text_chars = [], depth, 0

    def _name(self, tag: str | bytes) -> str:
        """The tag's local name (namespaces vary between NCMEC API versions), remembered."""
        name = _text(tag).rpartition("}")[2]
        if len(self._names) < _MAX_NAMES:
            self._names[tag] = name
        return name


def _text(value: str | bytes) -> str:
    # lxml hands a target str; the bytes case exists only in its type signature.
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")


def _records(entry: _Entry) -> Iterator[HashRecord | HashListWarning]:
    removed = _ENTRIES[entry.kind][1]
    number = entry.number
    entry_id = clean_text(entry.fields.get("id"))
    where = f"<{entry.kind}> {entry_id}" if entry_id else f"<{entry.kind}> without an id"
    extra = _extra(entry)
    category = clean_text(entry.fields.get("classification"), limit=32)
    found = False
    for name, algorithm in _HASH_FINGERPRINTS.items():
        raw = entry.fingerprints.get(name)
        if raw is None:
            continue
        value = clean_digest(algorithm, raw)
        if value is None:
            yield HashListWarning(number, f"{where}: <{name}> {digest_problem(algorithm, raw)}")
            continue
        found = True
        yield HashRecord(
            algorithm,
            value,
            number,
            category=category,
            label=entry_id,
            removed=removed,
            extra=extra,
        )
    if removed and entry_id is not None:
        if len(entry_id) > MAX_ENTRY_ID:
            yield HashListWarning(number, f"{where}: id longer than {MAX_ENTRY_ID} characters")
            return
        found = True
        yield HashRecord(ENTRY_ID, entry_id, number, label=entry_id, removed=True, extra=extra)
    if not found and not any(name in entry.fingerprints for name in _HASH_FINGERPRINTS):
        what = "id or hash" if removed else "md5, sha1, sha256 or pdq fingerprint"
        yield HashListWarning(number, f"{where} has no {what}")


def _extra(entry: _Entry) -> dict[str, ExtraValue]:
    extra: dict[str, ExtraValue] = {"media_kind": _ENTRIES[entry.kind][0]}
    for key in ("member", "timestamp"):
        text = clean_text(entry.fields.get(key))
        if text is not None:
            extra[key] = text
    member_id = clean_text(entry.member_id)
    if member_id is not None:
        extra["member_id"] = member_id
    for name, raw in entry.fingerprints.items():
        if name in _HASH_FINGERPRINTS:
            continue
        key = "photodna" if name == "pdna" else "fingerprint_" + _NOT_KEY.sub("_", name.lower())
        text = clean_text(raw, limit=4096)
        if text is not None:
            extra[key] = text
    return extra
