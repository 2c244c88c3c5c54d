"""Folding of free text and personal names: masking, clean display forms, transliteration keys.

Indian names reach a tip in many Latin spellings of one spoken name (Mohammed, Mohd, Md, Muhammad;
Sree, Sri, Shri; Siva, Shiva), in any order (South Indian initials lead: "K. Rajesh" and "Rajesh K"
are one name), and sometimes in an Indic script. `clean_name` makes one display form without losing
anything a person would see; `name_key` folds spellings so that variants compare equal; and
`compare_names` scores two cleaned names in 0..1. Indic-script tokens are kept as written: no
transliteration is attempted yet, so they match only themselves (or near spellings of themselves).

    clean_name("Mr. MOHD. Rafi")    -> "mohd rafi"
    name_key("mohd rafi")           -> "muhammad rafi"
    compare_names("k rajesh", "rajesh k") -> 1.0
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

# Platforms and NCMEC mask values they will not disclose ("ra*****@gmail.com", "+91******2345") and
# cut long ones ("Rajesh Ku…"). A masked value is not the value: it must never be linked on.
MASK_CHARACTERS = frozenset("*•●…∗⁎＊")

# Values that stand for "nothing" in platform exports; they would otherwise link strangers.
PLACEHOLDERS = frozenset(
    {
        *("", "na", "n a", "none", "null", "nil", "unknown", "undefined"),
        *("not available", "not provided", "not known"),
    }
)


def is_masked(text: str) -> bool:
    """True when the text carries a masking or truncation character in place of real content.

    Check the text as received: NFKC turns "…" into "..." and "＊" into "*".
    """
    return any(char in MASK_CHARACTERS for char in text)


def fold(text: str) -> str:
    """NFKC-normalise and case-fold until stable, so folding a folded text changes nothing.

    NFKC turns full-width and compatibility forms (common from phone keyboards) into plain ones;
    `casefold` is stronger than `lower` ("Straße" → "strasse"). One pass of each can leave a text that
    a second pass would change, so the pair is repeated until it is a fixed point.
    """
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", text).casefold()
        if folded == text:
            break
        text = folded
    return text


def is_placeholder(text: str) -> bool:
    """True for the words exports put where a value is missing ("N/A", "null", "Unknown")."""
    words = "".join(char if char.isalnum() else " " for char in fold(text)).split()
    return " ".join(words) in PLACEHOLDERS


# Leading honorifics say nothing about who the person is. "Sri"/"Sree" are left alone here: they
# are as often part of the given name ("Sri Devi", "Sreekumar") as a title.
_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "shri", "shrimati", "smt", "dr", "prof", "adv", "late"}
)
# "Rajesh S/O Ramesh": son of / daughter of / wife of / care of introduce another person's name.
_RELATION = re.compile(r"(?:^|\s)[sdwc]\s*/\s*o\b.*$", re.DOTALL)


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _name_characters(text: str) -> str:
    """Letters and numbers kept, marks kept on the letter they modify, the rest a space.

    Marks carry Indic vowel signs and viramas, so they stay when they follow a letter or mark;
    after anything else they are leftovers of emoji ("❤️" is a heart and a variation selector).
    Format characters (zero-width joiners, bidi controls) are dropped without a space, so a
    Malayalam or Devanagari word written with a joiner stays one word.
    """
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf" or _is_variation_selector(char):
            continue
        attached = category[0] == "M" and kept and unicodedata.category(kept[-1])[0] in "LM"
        kept.append(char if category[0] in "LN" or attached else " ")
    return "".join(kept)


def clean_name(raw: str) -> str | None:
    """Return the display form of a personal name, or None when it is masked, empty or a placeholder.

    Folded (`fold`), with "S/O …" relation suffixes and leading honorifics removed, punctuation and
    symbols (emoji included) turned into spaces, and spaces collapsed. Letters, digits and the vowel
    signs of Indic scripts are kept.
    """
    if is_masked(raw):
        return None
    tokens = _name_characters(_RELATION.sub("", fold(raw))).split()
    while tokens and tokens[0] in _HONORIFICS:
        tokens.pop(0)
    cleaned = fold(" ".join(tokens))  # dropping a joiner can leave a pair NFKC would compose
    return None if not cleaned or is_placeholder(cleaned) else cleaned


# Spellings of one name that no letter rule can fold safely; each maps to one key token.
_VARIANTS: dict[str, str] = {
    **dict.fromkeys(
        (
            *("mohammed", "mohammad", "muhammed", "muhammad", "mohamed", "mohamad", "mohd", "md"),
            *("muhamed", "muhamad", "mohmed", "mohammod", "mahomed", "mahammad", "mohummed"),
        ),
        "muhammad",
    ),
    **dict.fromkeys(("sri", "sree", "shri", "shree", "sre"), "sri"),
    **dict.fromkeys(("syed", "sayed", "sayyed", "saiyed", "sayyid", "saiyad"), "syed"),
    **dict.fromkeys(("sheikh", "shaikh", "shaik", "sheik", "shekh"), "shaikh"),
}

# Letter rules applied in order to Latin tokens. They fold the usual ways one Indian name is
# romanised: long vowels doubled or not (Sreekumar/Srikumar, Noor/Nur), aspirates written or not
# (Siva/Shiva, Baskar/Bhaskar, Sidharth/Siddharth), v and w (Srinivas/Shriniwas), and the Urdu "eh"
# for "ah" (Rehman/Rahman, Mehmood/Mahmood). They stop short of folding vowels into each other or
# dropping final vowels, which would merge different names (Ram/Rama/Rami, Kiran/Karan).
_LETTER_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("ee"), "i"),
    (re.compile("oo"), "u"),
    (re.compile("eh"), "ah"),
    (re.compile("([tdbsgkp])h"), r"\1"),
    (re.compile("w"), "v"),
    (re.compile(r"(.)\1+"), r"\1"),
)
_VOWELS = frozenset("aeiouy")


# Names are drawn from a small vocabulary of tokens, and a resolution folds every account's names
# (and the shared-line guard every holder's): fold each token once. Bounded; pure functions.
@lru_cache(maxsize=100_000)
def _spell(latin: str) -> str:
    """The key spelling of one lower-case Latin token."""
    if latin in _VARIANTS:
        return _VARIANTS[latin]
    for pattern, replacement in _LETTER_RULES:
        latin = pattern.sub(replacement, latin)
    return _VARIANTS.get(latin, latin)


# Tokens that half of India shares: a match on one of them says little about identity.
_COMMON_TOKENS = frozenset(
    _spell(token)
    for token in (
        *("kumar", "kumari", "devi", "singh", "lal", "bai", "ben", "bhai", "begum", "khan"),
        *("rao", "das", "ram", "prasad", "muhammad", "sri", "reddy", "sharma", "nair"),
    )
)


@lru_cache(maxsize=100_000)
def _latin(token: str) -> str | None:
    """The token with accents removed when it is written in Latin letters, else None."""
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", token) if unicodedata.category(char) != "Mn"
    )
    return stripped if stripped.isascii() else None


def _fold_token(token: str) -> list[str]:
    """Fold one cleaned token into key tokens (a consonant-only run like "kr" becomes initials)."""
    latin = _latin(token)
    if latin is None:
        return [token]  # Indic or other script: kept as written for now
    initials = 1 < len(latin) <= 3 and latin.isalpha() and not _VOWELS.intersection(latin)
    if initials and latin not in _VARIANTS:
        return list(latin)  # "KR Rajesh": initials written together
    return [_spell(latin)]


def key_tokens(cleaned: str) -> tuple[list[str], list[str]]:
    """Folded full tokens and single-letter initials of a cleaned name, each list sorted."""
    full, initials = _key_tokens(cleaned)
    return list(full), list(initials)


# Names repeat across a workspace's accounts (a full resolution folds every one of them, and the
# shared-line guard folds them again): each cleaned name is folded once.
@lru_cache(maxsize=262_144)
def _key_tokens(cleaned: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tokens = [folded for token in cleaned.split() for folded in _fold_token(token)]
    full = sorted(token for token in tokens if len(token) > 1)
    initials = sorted(token for token in tokens if len(token) == 1)
    return tuple(full), tuple(initials)


def name_key(cleaned: str) -> str:
    """A comparison key: spelling variants folded, full tokens sorted, then initials sorted.

    Two names with equal keys are written forms of the same name (not necessarily the same person).
    """
    full, initials = _key_tokens(cleaned)
    return " ".join(full + initials)


def similarity(left: str, right: str) -> float:
    """Edit similarity in 0..1 (difflib's ratio), the same whichever text comes first."""
    return max(
        SequenceMatcher(None, left, right, autojunk=False).ratio(),
        SequenceMatcher(None, right, left, autojunk=False).ratio(),
    )


def _token_weight(token: str) -> float:
    if len(token) == 1:
        return 0.5
    return 0.4 if token in _COMMON_TOKENS else 1.0


def _pair_score(left: str, right: str) -> float:
    """Similarity of two key tokens: initials match the full token they could abbreviate, weakly."""
    if left == right:
        return 1.0
    if len(left) == 1 or len(right) == 1:
        return 0.5 if left[0] == right[0] else 0.0
    # One letter apart in a five-letter name (Kiran/Karan) is another name, so the bar is high.
    ratio = similarity(left, right)
    return ratio if ratio >= 0.85 else 0.0


def _matched_weight(left: list[str], right: list[str]) -> float:
    """Total weight of a greedy best-first pairing of left tokens with right tokens."""
    candidates = sorted(
        (
            (_pair_score(a, b) * min(_token_weight(a), _token_weight(b)), i, j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
        ),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    matched = 0.0
    for score, i, j in candidates:
        if score <= 0.0:
            break
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            matched += score
    return matched


def compare_names(left: str, right: str) -> float:
    """Similarity in 0..1 of two cleaned names, order-free and tolerant of spelling variants.

    Tokens are paired greedily by similarity; each pair counts with the lighter of the two token
    weights (initials and very common tokens such as "kumar" weigh less, because sharing them says
    little). The score is a weighted Jaccard index, matched / (left + right - matched): a token
    missing on one side costs ("Rajesh" vs "Rajesh Kumar" ≈ 0.7), and a token that conflicts costs
    on both sides (siblings "Priya Menon" and "Divya Menon" ≈ 0.3). It is symmetric: the linker must
    not depend on which account it read first.
    """
    left_full, left_initials = key_tokens(left)
    right_full, right_initials = key_tokens(right)
    left_tokens, right_tokens = left_full + left_initials, right_full + right_initials
    if not left_tokens or not right_tokens:
        return 0.0
    if left_tokens == right_tokens:
        return 1.0
    matched = max(
        _matched_weight(left_tokens, right_tokens), _matched_weight(right_tokens, left_tokens)
    )
    left_weight = sum(_token_weight(token) for token in left_tokens)
    right_weight = sum(_token_weight(token) for token in right_tokens)
    return min(1.0, matched / (left_weight + right_weight - matched))
