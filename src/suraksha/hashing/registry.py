"""The hash-list formats Suraksha reads, listed explicitly, in the order sniffing tries them."""

from __future__ import annotations

from suraksha.errors import UserInputError
from suraksha.hashing.formats.encase import EncaseFormat
from suraksha.hashing.formats.hashkeeper import HashkeeperFormat
from suraksha.hashing.formats.icse import IcseFormat
from suraksha.hashing.formats.interface import HashListFormat
from suraksha.hashing.formats.md5sum import Md5sumFormat
from suraksha.hashing.formats.ncmec_xml import NcmecXmlFormat
from suraksha.hashing.formats.nsrl import NsrlFormat
from suraksha.hashing.formats.pdq import PdqFormat
from suraksha.hashing.formats.threatexchange import ThreatexchangeFormat
from suraksha.hashing.formats.vics import VicsFormat
from suraksha.hashing.formats.vpdq import VpdqFormat

# Sniffing takes the first format that accepts a file's head, so the order is part of detection:
# 1. formats with a magic number or a fixed first token, which nothing else can mistake: EnCase's
#    `HASH\r\n\xff\x00`, SQLite's magic (NSRL RDS 3), a JSON object opening with an OData context
#    (VICS), an XML `<queryResult>` root (NCMEC);
# 2. CSV lists recognised by their header: HashKeeper, ICSE, NSRL RDS 2;
# 3. line lists, strictest first: ThreatExchange (each line names its signal type), vPDQ (a video
#    name, a frame number, then a 64-hex hash), PDQ (a 64-hex hash *with a quality column*), and
#    md5sum last, as it accepts any line of bare hex. A list
#    of bare 64-hex lines therefore reads as SHA-256; name `--format pdq` to read it as PDQ.
FORMATS: tuple[HashListFormat, ...] = (
    EncaseFormat(),
    NsrlFormat(),
    VicsFormat(),
    NcmecXmlFormat(),
    HashkeeperFormat(),
    IcseFormat(),
    ThreatexchangeFormat(),
    VpdqFormat(),
    PdqFormat(),
    Md5sumFormat(),
)

SNIFF_BYTES = 64 * 1024


def format_named(name: str) -> HashListFormat:
    """The format registered under `name`, or a UserInputError listing the valid names."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    valid = ", ".join(fmt.name for fmt in FORMATS)
    raise UserInputError(f"Unknown hash-list format {name!r}. Use one of: auto, {valid}.")


def detect(head: bytes) -> HashListFormat | None:
    """The first format whose sniff accepts the file's first bytes (see the order above)."""
    return next((fmt for fmt in FORMATS if fmt.sniff(head)), None)
