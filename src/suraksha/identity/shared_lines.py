"""Shared lines: a phone number, handset or home line held under names that are not one person's.

A family phone is ordinary in India. Brothers and cousins at one address register the household's
number (or hand down its handset, or use its broadband line) on their own accounts, each under his
own given name and the family's surname or house name. Linking every holder of such a value would
put one man's reports on his brother. The linker therefore asks, before a phone, device id or IP
event joins two sets of accounts: do the names the two sets go by (as the stronger rules built
them) say two people?

    names_agree("ramesh goud", "ramesh")           -> True   one is a written form of the other
    names_agree("v sreejith kumar", "srijith")     -> True   spelling and spacing vary
    names_agree("mohammed riyas", "muhammad riyaz") -> True
    names_agree("ramesh goud", "anil kumar goud")  -> False  different given names: two people
    names_agree("arun", "manikandan")              -> False
    names_agree("muhammad", "mohammed sameer")     -> None   "Muhammad" alone tells nobody apart

A value whose holders include two sets whose names all disagree is a **shared line**. On a shared
line an account joins another holder only when their names agree (the phone plus a matching name is
one person; the phone alone is a household); an account without a telling name is left apart, since
nothing says whose it is. The refusal is stored with the names, so the profile can say why. Any
other evidence (an e-mail, a user id, an IP event, weak evidence, an analyst's `same` judgement)
still joins them.

Names compare on folded key tokens (`names.key_tokens`), generously: a token agrees with another
when it is a spelling variant (consonant skeleton, edit similarity), a short form (Hari,
Harikrishnan) or a part of a run-together name (Sree Kumar, Sreekumar). A doubtful pair agrees: the
guard refuses only what clearly names two people, and a split it causes can be undone by a `same`
judgement while a wrong merge attributes one man's reports to another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from suraksha.identity.names import key_tokens, name_key, similarity

# Tokens that half of a community shares, or titles that precede a name: alone they tell nobody
# apart ("Muhammad" is the first word of a great many names), so they are not compared.
_UNTELLING = frozenset(
    name_key(token)
    for token in (
        *("kumar", "kumari", "devi", "singh", "lal", "bai", "ben", "bhai", "begum", "khan"),
        *("muhammad", "sri", "syed", "shaikh"),
    )
)
# Consonant-skeleton folding of romanised Indian names: vowels, "h" and "y" are written at will
# (Noushad/Naushad, Rafi/Rafy), and z/s, q/k, c/k, w/v/b stand for one sound (Riyas/Riyaz,
# Qureshi/Kureshi, Sourav/Saurabh). A "v" between a vowel and a consonant is a vowel glide
# (Chowdary/Chaudhary, Gowda/Gouda).
_SKELETON = str.maketrans({"z": "s", "q": "k", "c": "k", "w": "v", "b": "v"})
_GLIDE = re.compile(r"(?<=[aeiou])v(?=[^aeiou])")
_SOFT = re.compile(r"[aeiouyh]")
_REPEATS = re.compile(r"(.)\1+")
# Edit similarity at which two tokens are spellings of one name, as in `names.compare_names`: one
# letter apart in a six-letter name is another name (Ramesh, Rajesh).
_SIMILAR = 0.85


def telling_tokens(cleaned: str) -> tuple[str, ...]:
    """The key tokens of a cleaned name that can tell persons apart (no initials, no "Kumar")."""
    full, _initials = key_tokens(cleaned)
    return tuple(token for token in full if token not in _UNTELLING)


def _skeleton(token: str) -> str:
    folded = _GLIDE.sub("", token.translate(_SKELETON))
    return _REPEATS.sub(r"\1", folded[0] + _SOFT.sub("", folded[1:]))


def tokens_agree(left: str, right: str) -> bool:
    """True when two key tokens may be one name: equal, a short form, a part, or a spelling."""
    if left == right:
        return True
    short, long = sorted((left, right), key=len)
    if len(short) >= 3 and long.startswith(short):
        return True  # Hari / Harikrishnan, Venkat / Venkata
    if len(short) >= 4 and short in long:
        return True  # Kumar / Sreekumar: a name written as one word or two
    skeleton = _skeleton(left)
    if len(skeleton) >= 2 and skeleton == _skeleton(right):
        return True
    return similarity(left, right) >= _SIMILAR


def names_agree(left: str, right: str) -> bool | None:
    """Whether two cleaned names may be one person's; None when either tells nothing.

    They agree when every telling token of one of them agrees with a token of the other: a name
    and a shorter form of it ("Ramesh Babu Goud", "Ramesh") agree, two given names under one
    surname ("Ramesh Goud", "Anil Goud") do not.
    """
    left_tokens, right_tokens = telling_tokens(left), telling_tokens(right)
    if not left_tokens or not right_tokens:
        return None
    return all(any(tokens_agree(a, b) for b in right_tokens) for a in left_tokens) or all(
        any(tokens_agree(a, b) for a in left_tokens) for b in right_tokens
    )


def telling(names: Iterable[str]) -> list[str]:
    """The names that can tell persons apart, sorted."""
    return sorted({name for name in names if telling_tokens(name)})


def names_conflict(left: Iterable[str], right: Iterable[str]) -> bool:
    """True when two sets of names say two people: both tell something and no pair agrees.

    A set that already holds several names (an alias, a nickname) agrees with anyone who goes by
    one of them.
    """
    left_names, right_names = telling(left), telling(right)
    if not left_names or not right_names:
        return False
    return not any(names_agree(a, b) for a in left_names for b in right_names)


def names_join(left: Iterable[str], right: Iterable[str]) -> bool:
    """True when two sets of names positively agree: each tells something and a pair agrees."""
    return any(names_agree(a, b) for a in telling(left) for b in telling(right))
