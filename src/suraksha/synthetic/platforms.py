"""The reporting platforms (ESPs): their names, user-id shapes, URLs, clocks and reporter blocks.

User ids are numeric strings scoped by service: the same digits on Telegram and on Instagram are two
different accounts. WhatsApp identifies an account by its phone number, so its user id is the
number in international digits. The reporter block (the platform's own trust-and-safety contact) is
the same in every report a platform files; it describes the platform, not the reported user, and a
linker that treats its e-mail as an identifier would join every user of the platform.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from suraksha.synthetic.timestamps import Zone


@dataclass(frozen=True, slots=True)
class Platform:
    """One electronic service provider as the corpus uses it."""

    key: str
    service: str  # espService
    esp_name: str  # reportingEsp.espName in law-enforcement JSON
    weight: float  # how often persons hold an account here
    id_digits: tuple[int, int]  # user-id length range; 0 means the id is the phone number
    id_prefix: str
    profile_url: str | None  # "{screen}" or "{uid}" placeholder
    zone: Zone
    messaging: bool  # carries private chats, hence enticement reports and groups
    reports_devices: bool

    @property
    def domain(self) -> str:
        """The platform's own (reserved, non-resolving) domain used in the corpus."""
        return f"{self.key}.example"

    @property
    def reporter_email(self) -> str:
        """The contact address in the reporter block: identical in every report of the platform."""
        return f"cybertip-reports@{self.domain}"

    @property
    def contact_email(self) -> str:
        """The law-enforcement response address in the reporter's contactPerson."""
        return f"le-response@{self.domain}"

    def make_user_id(self, rng: random.Random, phone: str) -> str:
        """A fresh user id; for WhatsApp the account's phone number with country code."""
        if self.id_digits == (0, 0):
            return f"91{phone}"
        length = rng.randint(*self.id_digits) - len(self.id_prefix)
        first = str(rng.randint(1, 9))
        return self.id_prefix + first + "".join(str(rng.randrange(10)) for _ in range(length - 1))

    def url_for(self, screen_name: str, user_id: str) -> str | None:
        """The profile URL the platform would give, on its reserved domain."""
        if self.profile_url is None:
            return None
        path = self.profile_url.format(screen=screen_name, uid=user_id)
        return f"https://{self.domain}/{path}"


PLATFORMS: tuple[Platform, ...] = (
    Platform("instagram", "Instagram", "Instagram, Inc.", 20, (10, 11), "", "{screen}",
             Zone.UTC, True, True),
    Platform("facebook", "Facebook", "Facebook", 18, (15, 15), "1000", "profile.php?id={uid}",
             Zone.UTC, True, True),
    Platform("whatsapp", "WhatsApp", "WhatsApp Inc.", 16, (0, 0), "", None,
             Zone.UTC, True, True),
    Platform("google", "Google", "Google LLC", 12, (21, 21), "1", None,
             Zone.US_PACIFIC, False, True),
    Platform("snapchat", "Snapchat", "Snap Inc.", 8, (10, 10), "", "add/{screen}",
             Zone.US_PACIFIC, True, True),
    Platform("telegram", "Telegram", "Telegram Messenger Inc.", 8, (10, 10), "", "{screen}",
             Zone.UTC, True, False),
    Platform("sharechat", "ShareChat", "Mohalla Tech Pvt. Ltd. (ShareChat)", 6, (10, 10), "",
             "profile/{screen}", Zone.IST, True, False),
    Platform("discord", "Discord", "Discord Inc.", 4, (18, 18), "", None,
             Zone.UTC, True, False),
    Platform("x", "X", "X Corp.", 4, (18, 19), "", "{screen}", Zone.UTC, False, False),
    Platform("microsoft", "Microsoft", "Microsoft Corporation", 4, (16, 16), "", None,
             Zone.US_PACIFIC, False, False),
)  # fmt: skip

# Platforms whose user ids share a shape (10 digits): collisions are planted between them.
COLLIDING = ("instagram", "snapchat", "telegram", "sharechat")

# Where group members gather, and how each platform spells a group id.
GROUP_PLATFORMS: tuple[tuple[str, float], ...] = (
    ("telegram", 0.4),
    ("whatsapp", 0.3),
    ("facebook", 0.15),
    ("discord", 0.15),
)


def by_key(key: str) -> Platform:
    """The platform with this key."""
    for platform in PLATFORMS:
        if platform.key == key:
            return platform
    raise KeyError(key)


def make_group_id(rng: random.Random, platform: Platform) -> str:
    """A group identifier in the platform's own style."""
    digits = "".join(str(rng.randrange(10)) for _ in range(18))
    if platform.key == "whatsapp":
        return f"120363{digits}@g.us"
    if platform.key == "telegram":
        return f"-100{digits[:10]}"
    if platform.key == "facebook":
        return f"{rng.randint(1, 9)}{digits[:14]}"
    return f"{rng.randint(1, 9)}{digits[:17]}"
