"""Synthetic Indian mobile numbers and e-mail addresses, and the textual forms they take in reports.

One number reaches tips as "+91 98470 12345", "09847012345", "9847012345", "91-98470-12345" and
"+919847012345"; one Gmail box as "rafi.k92@gmail.com", "Rafik92+ig@googlemail.com" and
"RAFI.K92@GMAIL.COM". Platforms also mask values they will not disclose ("ra*****@gmail.com",
"+91******2345"): a masked value is not the value and must never be linked on.
"""

from __future__ import annotations

import random

# Leading digits of mobile number series, by operator (allocation, not current operator: numbers
# port freely, so a series proves nothing about who serves a number today).
SERIES: dict[str, tuple[str, ...]] = {
    "jio": ("70", "62", "63", "89", "79", "88", "93"),
    "airtel": ("98", "99", "97", "95", "81", "80"),
    "vi": ("94", "96", "90", "75"),
    "bsnl": ("94", "85", "94"),
}


def make_mobile(rng: random.Random, operator: str) -> str:
    """A 10-digit national mobile number (no prefix) from one of the operator's series."""
    return rng.choice(SERIES[operator]) + "".join(str(rng.randrange(10)) for _ in range(8))


def phone_form(rng: random.Random, national: str) -> str:
    """The number as one report writes it; every form names the same subscriber."""
    a, b = national[:5], national[5:]
    forms = (
        f"+91 {a} {b}",
        f"0{national}",
        national,
        f"91-{a}-{b}",
        f"+91{national}",
        f"+91-{national}",
        f"91{national}",
        f"+91 {national}",
    )
    return rng.choice(forms)


def mask_phone(rng: random.Random, national: str) -> str:
    """A platform-masked number: too little of it is left to link on."""
    forms = (
        f"+91******{national[-4:]}",
        f"{national[:2]}******{national[-2:]}",
        f"+91 {national[:2]}*** **{national[-3:]}",
    )
    return rng.choice(forms)


_PROVIDERS_OTHER = ("yahoo.co.in", "rediffmail.com", "outlook.com", "hotmail.com", "yahoo.com")


def make_email(rng: random.Random, words: tuple[str, ...], taken: set[str], gmail: bool) -> str:
    """A unique mailbox built from name words and digits, as people make them; lower case."""
    cleaned = [w.lower().replace(".", "") for w in words if w]
    first = cleaned[0]
    last = cleaned[-1] if len(cleaned) > 1 else "in"
    domain = "gmail.com" if gmail else rng.choice(_PROVIDERS_OTHER)
    while True:
        digits = str(
            rng.choice((rng.randint(70, 99), rng.randint(1985, 2008), rng.randint(1, 999)))
        )
        shape = rng.randrange(5)
        if shape == 0:
            local = f"{first}.{last}{digits}"
        elif shape == 1:
            local = f"{first}{last}{digits}"
        elif shape == 2:
            local = f"{first}.{last[0]}{digits}"
        elif shape == 3:
            local = f"{last}.{first}{digits}"
        else:
            local = f"{first}{digits}{rng.choice(('', 'x', 'kl', 'hyd', 'mass'))}"
        address = f"{local}@{domain}"
        # Gmail ignores dots in the local part: `raju.chowdary2006` and `rajuchowdary2006` are
        # one mailbox, which Google would never give to two people.
        mailbox = f"{local.replace('.', '')}@{domain}" if gmail else address
        if mailbox not in taken:
            taken.add(mailbox)
            return address


def _random_case(rng: random.Random, text: str) -> str:
    style = rng.random()
    if style < 0.3:
        return text.upper()
    if style < 0.8:
        return text[:1].upper() + text[1:]
    return "".join(c.upper() if rng.random() < 0.15 else c for c in text)


def email_form(rng: random.Random, address: str) -> str:
    """The mailbox as one report writes it.

    Gmail ignores dots and anything after "+" in the local part, ignores case, and answers to
    googlemail.com, so all of these reach one inbox; other providers only ignore case, and moving a
    dot there would name a different mailbox, so it is never done.
    """
    local, domain = address.split("@")
    if domain == "gmail.com":
        roll = rng.random()
        if roll < 0.3:
            bare = local.replace(".", "")
            cut = rng.randint(1, len(bare) - 1)
            local = bare if rng.random() < 0.4 else f"{bare[:cut]}.{bare[cut:]}"
        if rng.random() < 0.2:
            local += "+" + rng.choice(("ig", "fb", "snap", "1", "new", "tg", "backup"))
        if rng.random() < 0.15:
            domain = "googlemail.com"
    text = f"{local}@{domain}"
    return _random_case(rng, text) if rng.random() < 0.2 else text


def mask_email(rng: random.Random, address: str) -> str:
    """A platform-masked address ("ra*****@gmail.com")."""
    local, domain = address.split("@")
    keep = rng.choice((1, 2))
    if rng.random() < 0.5:
        return f"{local[:keep]}{'*' * 5}@{domain}"
    return f"{local[:keep]}{'*' * (len(local) - keep - 1)}{local[-1]}@{domain[0]}****.com"
