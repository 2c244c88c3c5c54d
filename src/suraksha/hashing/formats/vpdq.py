"""vPDQ lists: the frame hashes of known videos, one frame a line, as `hashes compute --format vpdq`
writes them.

    video,frame,hash,quality,seconds[,category]
    clip-0007.mp4,0,f8f8…(64 hex),96,0.000,A1

vPDQ's own output (Meta's `vpdq` tools) is `frame,hash,quality,seconds` for one video a file; a
bank holds many videos, so each line starts with the video's name. Each frame becomes a PDQ entry
labelled with the video's name and carrying `extra = {"video": name, "frame": n, "seconds": s}`,
so that the matcher can tell frames of one banked video apart from pictures and count how much of
the video a scanned one covers (`matcher._match_frames`). A frame hash repeated (a still shot)
is kept once, as vPDQ's matching dedupes it anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.hashing.formats.interface import HashListFormat, HashListWarning, HashRecord
from suraksha.hashing.formats.lines import MAX_LINE_BYTES, head_lines, text_lines
from suraksha.hashing.formats.values import clean_text

HEADER = "video,frame,hash,quality,seconds"
_HEADER = re.compile(r"(?i)^\s*video\s*,\s*frame\s*,\s*(hash|pdq)\s*,\s*quality\s*,\s*seconds")
_LINE = re.compile(
    r"(?P<video>[^,]+),(?P<frame>[0-9]{1,9}),(?P<hash>[0-9A-Fa-f]{64}),"
    r"(?P<quality>[0-9]{1,3}),(?P<seconds>[0-9]{1,7}(?:\.[0-9]{1,6})?)(?:,(?P<category>[^,]*))?"
)


class VpdqFormat(HashListFormat):
    """Frame hashes of known videos: `video,frame,hash,quality,seconds[,category]` a line.

    A header line, blank lines and `#` comments are skipped. A quality outside 0–100 or a line
    of another shape is a warning naming the line.
    """

    name: ClassVar[str] = "vpdq"
    description: ClassVar[str] = "vPDQ frame hashes of videos: video,frame,hash,quality,seconds"

    def sniff(self, head: bytes) -> bool:
        lines = head_lines(head)
        if lines and _HEADER.match(lines[0]):
            return True
        return bool(lines) and all(_LINE.fullmatch(line) for line in lines)

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        for number, text in text_lines(stream):
            if text is None:
                yield HashListWarning(number, f"line longer than {MAX_LINE_BYTES} bytes skipped")
                continue
            line = text.strip()
            if not line or line.startswith("#") or _HEADER.match(line):
                continue
            yield _parse(line, number)


def _parse(line: str, number: int) -> HashRecord | HashListWarning:
    found = _LINE.fullmatch(line)
    if found is None:
        return HashListWarning(
            number, f"not a vPDQ line (video,frame,hash,quality,seconds): {line[:80]!r}"
        )
    quality = int(found["quality"])
    if quality > 100:
        return HashListWarning(number, f"quality {quality} is not 0–100")
    video = clean_text(found["video"])
    if video is None:
        return HashListWarning(number, "the video's name is empty")
    return HashRecord(
        "pdq",
        found["hash"].lower(),
        number,
        category=clean_text(found["category"]),
        label=video,
        quality=quality,
        extra={"video": video, "frame": int(found["frame"]), "seconds": found["seconds"]},
    )
