"""Profile URLs in one canonical form, so one page written several ways compares equal."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

from suraksha.identity.names import is_masked

# Parameters that platforms' share buttons and ad links add; they never change the page shown.
_TRACKING = frozenset(
    {
        *("fbclid", "gclid", "igshid", "igsh", "mibextid", "rdid", "sfnsn", "_rdr"),
        *("si", "s", "t", "feature", "share_id", "ref", "ref_src", "ref_url", "hl", "locale"),
    }
)
# Mobile and "www" hosts serve the same pages as the bare domain.
_MOBILE = re.compile(r"^(?:www\d?|m|mobile|mbasic)\.")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_LABEL = re.compile(r"[\w\-]+")


def clean_profile_url(raw: str) -> str | None:
    """`https://<host>[:port]<path>[?query]`, or None when `raw` is not a web address.

    `https` always (platforms redirect http to it); host lower-cased without `www.`, `m.`,
    `mobile.`; default port, credentials, fragment and trailing slashes dropped; tracking parameters
    (`utm_*`, `fbclid`, `igshid`, `si`, …) removed while other parameters stay, because some are the
    profile itself (`profile.php?id=…`). The path keeps its case: only some platforms ignore it.
    A scheme-less "instagram.com/raju" is read as https.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or is_masked(raw) or any(char.isspace() for char in text):
        return None
    if not _SCHEME.match(text):
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # an unbalanced "[" or a port that is not a number
        return None
    host = (parts.hostname or "").rstrip(".")
    while _MOBILE.match(host):
        host = _MOBILE.sub("", host)
    labels = host.split(".")
    if (
        parts.scheme not in ("http", "https")
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
    ):
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _TRACKING and not key.lower().startswith("utm_")
        ]
    )
    return f"https://{netloc}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")
