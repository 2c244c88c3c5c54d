"""A JSON reader that walks a document from a byte stream one value at a time, in bounded memory.

Hash sets in JSON (VICS) hold hundreds of thousands of objects in one array, so `json.load` would
hold the whole set in memory at once. This reader keeps only the unread part of a 64 KiB window:
the caller walks the outer structure (`begin_object`, `key`, `begin_array`, `next_item`) and
decodes each inner value whole with the standard library's C decoder (`value`), which is both
fast and exact. A value larger than `MAX_VALUE_CHARS` is refused rather than buffered.

Anything that is not JSON raises `FormatError` with the character offset; a value nested deeper
than the decoder can recurse raises `HostileInputError`.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import BinaryIO

from suraksha.errors import FormatError, HostileInputError

CHUNK_BYTES = 64 * 1024
# No single object of a hash set comes near this; a larger one is an attack on memory.
MAX_VALUE_CHARS = 4 * 1024 * 1024
_NOT_WHITESPACE = re.compile(r"[^ \t\n\r]")
# A decode error this close to the end of the window may just mean the value continues past it.
_NEAR_END = 8


class JsonStream:
    """A cursor over one JSON document; see the module docstring. Not thread-safe."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._decoder: codecs.IncrementalDecoder | None = None
        self._text = ""
        self._pos = 0
        self._dropped = 0  # characters before the window, for offsets in messages
        self._eof = False
        self._json = json.JSONDecoder()

    @property
    def offset(self) -> int:
        """Characters read so far, counted from the start of the document."""
        return self._dropped + self._pos

    def peek(self) -> str:
        """The next character that is not whitespace, left unread; "" at the end of the document."""
        while True:
            found = _NOT_WHITESPACE.search(self._text, self._pos)
            if found is not None:
                self._pos = found.start()
                return self._text[self._pos]
            self._pos = len(self._text)
            if not self._fill(CHUNK_BYTES):
                return ""

    def take(self, char: str) -> None:
        """Consume `char` (after whitespace) or raise `FormatError`."""
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise FormatError(f"JSON expected {char!r} at character {self.offset}, found {shown}.")
        self._pos += 1

    def separator(self, closing: str) -> bool:
        """After an item: True when a comma follows (another item), False when `closing` does."""
        found = self.peek()
        if found == ",":
            self._pos += 1
            return True
        self.take(closing)
        return False

    def opens(self, char: str) -> bool:
        """Consume `char` ("{" or "[") and tell whether the container has any items."""
        self.take(char)
        if self.peek() == {"{": "}", "[": "]"}[char]:
            self._pos += 1
            return False
        return True

    def key(self) -> str:
        """An object's next key, and the colon after it."""
        name = self.value()
        if not isinstance(name, str):
            raise FormatError(f"JSON expected a key (a string) before character {self.offset}.")
        self.take(":")
        return name

    def value(self) -> object:
        """Decode the next whole JSON value, reading more of the stream as it needs."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self._text, self._pos)
            except RecursionError:
                raise HostileInputError(
                    f"JSON value at character {self.offset} is nested deeper than any hash-set "
                    "entry; it was refused as built to exhaust the reader."
                ) from None
            except json.JSONDecodeError as err:
                if self._eof or not _may_continue(err, len(self._text)):
                    raise FormatError(
                        f"JSON is not well-formed at character {self._dropped + err.pos}: "
                        f"{err.msg}."
                    ) from None
            except ValueError as err:
                # Python refuses to convert integers of thousands of digits (CVE-2020-10735).
                raise FormatError(
                    f"JSON value at character {self.offset} cannot be read: {err}."
                ) from None
            else:
                # A number at the very end of the window may have more digits still unread.
                if end < len(self._text) or self._eof:
                    self._pos = end
                    return value
            pending = len(self._text) - self._pos
            if pending > MAX_VALUE_CHARS:
                raise FormatError(
                    f"JSON value at character {self.offset} is larger than {MAX_VALUE_CHARS:,} "
                    "characters; no hash-set entry is that large."
                )
            # Grow geometrically so that decoding a large value stays linear in its size.
            self._fill(max(CHUNK_BYTES, pending))

    def _fill(self, size: int) -> bool:
        """Append about `size` more bytes of text to the window; False at the end of the stream."""
        if self._eof:
            return False
        if self._pos:
            self._dropped += self._pos
            self._text = self._text[self._pos :]
            self._pos = 0
        while True:
            chunk = self._stream.read(size)
            if self._decoder is None:
                self._decoder = _decoder_for(chunk)
            try:
                text = self._decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                raise FormatError(
                    f"JSON text is not valid UTF-8 or UTF-16 near character {self.offset}: "
                    f"{err.reason}."
                ) from None
            self._text += text
            if not chunk:
                self._eof = True
                return bool(text)
            if text:
                return True


def _decoder_for(first: bytes) -> codecs.IncrementalDecoder:
    # JSON is UTF-8; Windows tools sometimes write UTF-16 with a byte-order mark. A UTF-8 mark is
    # dropped by utf-8-sig.
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")()
    return codecs.getincrementaldecoder("utf-8-sig")()


def _may_continue(err: json.JSONDecodeError, window: int) -> bool:
    """Whether a decode error can be the end of the window cutting a value short."""
    return err.pos >= window - _NEAR_END or err.msg.startswith("Unterminated string")
