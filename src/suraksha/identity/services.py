"""Canonical platform names, which scope user ids, screen names and groups."""

from __future__ import annotations

import re

from suraksha.identity.names import fold

# Hosts that are a service's short links: the domain label alone would name the wrong thing.
_SERVICE_HOSTS = {
    "t.me": "telegram",
    "wa.me": "whatsapp",
    "fb.com": "facebook",
    "youtu.be": "youtube",
}
# Other names of one product. Companies stay themselves: "Meta" is not "Facebook", and WhatsApp,
# Facebook and Instagram keep separate user-id spaces. Every value here is a fixed point.
_SERVICE_ALIASES = {
    "fb": "facebook",
    "ig": "instagram",
    "wa": "whatsapp",
    "twitter": "x",  # renamed in 2023; user ids carried over unchanged
    "xcorp": "x",
    "snap": "snapchat",  # Snap Inc. reports for Snapchat
    "metaplatforms": "meta",
    "googlemail": "gmail",
}
_COMPANY_SUFFIXES = frozenset(
    {
        "inc",
        "llc",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "pvt",
        "private",
        "plc",
    }
)
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov"})  # instagram.co.in
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_SUBDOMAIN = re.compile(r"^(?:www|m|mobile|web)\.")


def _registered_name(host: str) -> str:
    """The name a domain was registered under: "web.whatsapp.com" → "whatsapp"."""
    host = _SUBDOMAIN.sub("", host.split(":")[0].strip("."))
    if host in _SERVICE_HOSTS:
        return _SERVICE_HOSTS[host]
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else host


def normalise_service(name: str | None) -> str | None:
    """The canonical name of a platform: "Instagram", "instagram.com", "INSTAGRAM " → "instagram".

    Folded, a URL or domain reduced to its registered name, company suffixes ("Inc.", "LLC") dropped
    and everything but letters and digits removed, so "Whats App" and "WhatsApp" agree. A few aliases
    join other names of one product ("fb", "Twitter" → "x"). The result never contains ":", so it can
    prefix a scoped value. None when nothing is left.
    """
    if name is None:
        return None
    text = _SCHEME.sub("", fold(name).strip())
    host = text.split("/")[0]
    if text and " " not in text and "." in host:
        text = _registered_name(host)
    words = [word for word in re.split(r"[\W_]+", text) if word]
    while len(words) > 1 and words[-1] in _COMPANY_SUFFIXES:
        words.pop()
    compact = "".join(words)
    return _SERVICE_ALIASES.get(compact, compact) or None
