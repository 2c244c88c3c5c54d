"""Synthetic Indian personal names and the many ways one name is written across reports.

A person's name is stored once (`PersonName`) and rendered differently in each report, as users type
it into each platform: transliterations differ (Mohammed, Mohd, Muhammed), South Indian initials move
("K. Rajesh", "Rajesh K", "Rajesh Kumar Kizhakkethil"), parts go missing. Popular names are shared
by unrelated people on purpose, so a name is never enough to link two accounts.

Every name is assembled from common given names and surnames; no real person is described.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum


class Community(StrEnum):
    """A naming tradition; it decides which pools and which name order a person gets."""

    MALAYALI_HINDU = "malayali-hindu"
    MALAYALI_MUSLIM = "malayali-muslim"
    MALAYALI_CHRISTIAN = "malayali-christian"
    TELUGU = "telugu"
    DECCANI_MUSLIM = "deccani-muslim"
    TAMIL = "tamil"
    KANNADA = "kannada"
    MARATHI = "marathi"
    HINDI = "hindi"
    NORTH_MUSLIM = "north-muslim"
    BENGALI = "bengali"


@dataclass(frozen=True, slots=True)
class PersonName:
    """One person's name as a registrar would record it.

    `given` holds one or two given names ("Arun", "Kumar"); `surname` a caste, family or father's
    name used as a surname ("Nair", "Reddy", "Thomas"); `house` a house or family name that is
    usually written as an initial ("Kizhakkethil" → "K."), first in Telugu and Tamil usage.
    """

    given: tuple[str, ...]
    surname: str | None
    house: str | None
    community: Community

    @property
    def full(self) -> str:
        """The name people would call the person by: given names and surname, no initial."""
        return " ".join((*self.given, self.surname) if self.surname else self.given)


@dataclass(frozen=True, slots=True)
class _Pool:
    first: tuple[str, ...]
    second: tuple[str, ...]  # optional second given name
    second_share: float
    surnames: tuple[str, ...]
    surname_share: float
    houses: tuple[str, ...]
    house_share: float
    popular: tuple[tuple[str, ...], ...]  # whole given-name pairs shared by many people


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_KERALA_HOUSES = _w(
    "Kizhakkethil Puthenpurayil Thekkedath Valiyaveettil Madathil Chalil Kunnath Parambil "
    "Thayyil Mannil Palliyalil Edathil Cheruvalli"
)
_TELUGU_HOUSES = _w(
    "Gaddam Kommu Bandi Pasupuleti Vemula Chinthala Mandala Bollam Karra Thota Yerra Naini"
)
_TAMIL_FATHERS = _w("Krishnan Murugesan Palanisamy Subramani Ramasamy Velu Mani")

_POOLS: dict[Community, _Pool] = {
    Community.MALAYALI_HINDU: _Pool(
        first=_w(
            "Arun Anil Sreekumar Rajesh Vishnu Akhil Abhijith Sanal Ajith Vineeth Midhun "
            "Sarath Jithin Nithin Rahul Anoop Manoj Praveen Sreejith Unnikrishnan "
            "Harikrishnan Gokul Arjun Vivek Sujith Sandeep Deepu Rejith"
        ),
        second=_w("Kumar Krishnan Das Raj Mohan"),
        second_share=0.3,
        surnames=_w("Nair Menon Pillai Kurup Nambiar Warrier Panicker"),
        surname_share=0.3,
        houses=_KERALA_HOUSES,
        house_share=0.85,
        popular=(_w("Arun Kumar"), _w("Anil Kumar"), _w("Rahul")),
    ),
    Community.MALAYALI_MUSLIM: _Pool(
        first=_w("Mohammed Mohammed Muhammed Abdul Mohammed"),
        second=_w(
            "Rafi Shafi Ashraf Faisal Shameer Anas Irshad Jabir Noushad Shihab Sidheeq Nisar "
            "Riyas Haris Sinan Salim Ajmal Musthafa Rashid Thanseer Rahman Latheef"
        ),
        second_share=1.0,
        surnames=(),
        surname_share=0.0,
        houses=_KERALA_HOUSES,
        house_share=0.8,
        popular=(_w("Mohammed Rafi"), _w("Abdul Rahman"), _w("Mohammed Ashraf")),
    ),
    Community.MALAYALI_CHRISTIAN: _Pool(
        first=_w(
            "Jobin Jithin Tijo Bibin Sijo Anish Shibu Saji Biju Joby Linto Jomon Tomy Roshan "
            "Ebin Febin Aby Binoy"
        ),
        second=(),
        second_share=0.0,
        surnames=_w(
            "Thomas George Joseph Varghese Mathew Jacob Kurian Chacko Abraham John Philip Sebastian"
        ),
        surname_share=0.95,
        houses=_KERALA_HOUSES,
        house_share=0.3,
        popular=(_w("Jobin"),),
    ),
    Community.TELUGU: _Pool(
        first=_w(
            "Venkata Srinivas Ramesh Suresh Naresh Mahesh Praveen Sai Chaitanya Raju Naveen "
            "Krishna Vamshi Karthik Harish Nagaraju Prasad Ravi Anil"
        ),
        second=_w("Kumar Teja Kiran Babu"),
        second_share=0.3,
        surnames=_w("Reddy Rao Naidu Goud Yadav Chowdary Varma"),
        surname_share=0.7,
        houses=_TELUGU_HOUSES,
        house_share=0.8,
        popular=(_w("Srinivas"), _w("Ramesh"), _w("Anil Kumar")),
    ),
    Community.DECCANI_MUSLIM: _Pool(
        first=_w("Mohammed Syed Mohammed Mohammed"),
        second=_w("Imran Irfan Sohail Arif Khaja Moinuddin Azhar Salman Sameer Rizwan Rafi Yousuf"),
        second_share=1.0,
        surnames=_w("Khan Ali Hussain Ahmed Qureshi Siddiqui Shaikh"),
        surname_share=0.6,
        houses=(),
        house_share=0.0,
        popular=(_w("Mohammed Rafi"), _w("Mohammed Imran")),
    ),
    Community.TAMIL: _Pool(
        first=_w(
            "Karthik Senthil Murugan Prabhu Saravanan Vignesh Dinesh Balaji Manikandan Arun "
            "Suresh Ganesh Sathish Vijay"
        ),
        second=_w("Kumar Raj"),
        second_share=0.35,
        surnames=(),
        surname_share=0.0,
        houses=_TAMIL_FATHERS,
        house_share=0.9,
        popular=(_w("Arun Kumar"), _w("Karthik")),
    ),
    Community.KANNADA: _Pool(
        first=_w(
            "Manjunath Prakash Naveen Girish Santosh Raghavendra Mahesh Shivakumar Kiran Darshan"
        ),
        second=_w("Kumar"),
        second_share=0.15,
        surnames=_w("Gowda Shetty Hegde Naik Patil Rao Bhat"),
        surname_share=0.8,
        houses=(),
        house_share=0.0,
        popular=(_w("Manjunath"),),
    ),
    Community.MARATHI: _Pool(
        first=_w("Sachin Rahul Amol Swapnil Sagar Prashant Nilesh Akshay Ganesh Pravin"),
        second=(),
        second_share=0.0,
        surnames=_w("Patil Jadhav Pawar Shinde Deshmukh Kulkarni More Gaikwad"),
        surname_share=0.95,
        houses=(),
        house_share=0.0,
        popular=(_w("Rahul"),),
    ),
    Community.HINDI: _Pool(
        first=_w(
            "Rahul Amit Rohit Vikas Deepak Sunil Ravi Ankit Manish Pankaj Sanjay Ajay Vijay Arun"
        ),
        second=_w("Kumar"),
        second_share=0.25,
        surnames=_w("Sharma Verma Gupta Singh Yadav Mishra Tiwari Chauhan Pandey"),
        surname_share=0.85,
        houses=(),
        house_share=0.0,
        popular=(_w("Rahul"), _w("Arun Kumar")),
    ),
    Community.NORTH_MUSLIM: _Pool(
        first=_w("Mohammad Mohd Mohammad"),
        second=_w("Arif Shahid Javed Wasim Aamir Faizan Sajid Nadeem Danish"),
        second_share=1.0,
        surnames=_w("Khan Ansari Qureshi Siddiqui Malik"),
        surname_share=0.7,
        houses=(),
        house_share=0.0,
        popular=(_w("Mohammad Arif"),),
    ),
    Community.BENGALI: _Pool(
        first=_w("Sourav Arijit Subhajit Debashis Abhijit Tanmoy Sayan Rupam"),
        second=(),
        second_share=0.0,
        surnames=_w("Das Ghosh Mondal Roy Chatterjee Banerjee Sarkar Biswas"),
        surname_share=0.95,
        houses=(),
        house_share=0.0,
        popular=(_w("Sourav"),),
    ),
}

# Spellings of one spoken name; a report picks one. Keys are the canonical spellings used above.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Mohammed", "Mohd", "Muhammed", "Muhammad", "Mohamed", "Mohammad", "Md"),
    "Muhammed": ("Muhammed", "Mohammed", "Muhammad", "Mohd"),
    "Mohammad": ("Mohammad", "Mohd", "Mohammed", "Muhammad", "Md"),
    "Mohd": ("Mohd", "Mohammad", "Md"),
    "Sreekumar": ("Sreekumar", "Srikumar", "Shreekumar", "Sree Kumar"),
    "Sreejith": ("Sreejith", "Srijith", "Sreejit"),
    "Shafi": ("Shafi", "Shafee", "Safi"),
    "Rafi": ("Rafi", "Rafee", "Rafy"),
    "Sidheeq": ("Sidheeq", "Sidheek", "Siddique", "Sidhik"),
    "Musthafa": ("Musthafa", "Mustafa", "Mustapha"),
    "Ashraf": ("Ashraf", "Asharaf"),
    "Shameer": ("Shameer", "Shamir", "Shamer"),
    "Noushad": ("Noushad", "Naushad"),
    "Faisal": ("Faisal", "Faizal", "Fysal"),
    "Riyas": ("Riyas", "Riyaz"),
    "Jabir": ("Jabir", "Jabeer"),
    "Latheef": ("Latheef", "Latif", "Lateef"),
    "Rahman": ("Rahman", "Rehman", "Rahiman"),
    "Venkata": ("Venkata", "Venkat"),
    "Srinivas": ("Srinivas", "Srinivasa", "Sreenivas", "Shrinivas"),
    "Chowdary": ("Chowdary", "Choudary", "Chowdhary", "Chaudhary"),
    "Vamshi": ("Vamshi", "Vamsi"),
    "Karthik": ("Karthik", "Karthick", "Kartik"),
    "Sathish": ("Sathish", "Satish"),
    "Manikandan": ("Manikandan", "Manikantan"),
    "Abhijith": ("Abhijith", "Abhijit"),
    "Sarath": ("Sarath", "Sharath"),
    "Nithin": ("Nithin", "Nitin"),
    "Vineeth": ("Vineeth", "Vineet"),
    "Praveen": ("Praveen", "Pravin"),
    "Sujith": ("Sujith", "Sujit"),
    "Midhun": ("Midhun", "Mithun"),
    "Ajith": ("Ajith", "Ajit"),
    "Unnikrishnan": ("Unnikrishnan", "Unni Krishnan", "Unni"),
    "Harikrishnan": ("Harikrishnan", "Hari Krishnan", "Hari"),
    "Varghese": ("Varghese", "Verghese", "Varghes"),
    "Mathew": ("Mathew", "Mathews", "Matthew"),
    "Kurian": ("Kurian", "Kuriyan"),
    "Chacko": ("Chacko", "Chako"),
    "Syed": ("Syed", "Sayed", "Sayyed"),
    "Hussain": ("Hussain", "Husain", "Hussein"),
    "Qureshi": ("Qureshi", "Kureshi", "Quraishi"),
    "Siddiqui": ("Siddiqui", "Siddiqi"),
    "Shivakumar": ("Shivakumar", "Shiva Kumar", "Sivakumar"),
    "Debashis": ("Debashis", "Debasish", "Debashish"),
    "Sourav": ("Sourav", "Saurav", "Saurabh"),
    "Gowda": ("Gowda", "Gouda"),
    "Khaja": ("Khaja", "Khwaja"),
}


def make_name(rng: random.Random, community: Community) -> PersonName:
    """Draw a name from the community's pools; about one in six gets a locally popular name."""
    pool = _POOLS[community]
    if rng.random() < 0.16:
        given = rng.choice(pool.popular)
    elif pool.second and rng.random() < pool.second_share:
        given = (rng.choice(pool.first), rng.choice(pool.second))
    else:
        given = (rng.choice(pool.first),)
    surname = (
        rng.choice(pool.surnames) if pool.surnames and rng.random() < pool.surname_share else None
    )
    house = rng.choice(pool.houses) if pool.houses and rng.random() < pool.house_share else None
    return PersonName(given=given, surname=surname, house=house, community=community)


def _spell(rng: random.Random, token: str, respell: float) -> str:
    variants = SPELLINGS.get(token)
    if variants and rng.random() < respell:
        return rng.choice(variants)
    return token


def render_name(rng: random.Random, name: PersonName) -> str:
    """One way a user might have typed this name into a platform profile.

    Initial placement follows regional habit (initial first in Tamil and Telugu usage, last in
    Kerala), with a share of reports giving only the first name or a respelled variant.
    """
    given = [_spell(rng, token, 0.45) for token in name.given]
    surname = _spell(rng, name.surname, 0.3) if name.surname else None
    initial = f"{name.house[0]}." if name.house else None
    form = rng.random()
    if form < 0.15:
        words = [given[0]]
    elif form < 0.3 and surname:
        words = [given[0], surname]
    elif form < 0.5 and initial:
        lead = name.community in (Community.TAMIL, Community.TELUGU) or rng.random() < 0.5
        bare = initial if rng.random() < 0.6 else initial.rstrip(".")
        words = [bare, *given] if lead else [*given, bare]
        if surname:
            words.append(surname)
    elif form < 0.6 and name.house:
        words = [name.house, *given, *([surname] if surname else [])]
        if name.community not in (Community.TELUGU, Community.TAMIL):
            words = [*given, *([surname] if surname else []), name.house]
    else:
        words = [*given, *([surname] if surname else [])]
        if initial and rng.random() < 0.5:
            words.append(initial.rstrip("."))
    text = " ".join(words)
    casing = rng.random()
    if casing < 0.08:
        return text.upper()
    if casing < 0.16:
        return text.lower()
    return text


def split_name(text: str) -> tuple[str, str | None, str | None]:
    """Split a typed name the way platforms fill first / middle / last fields."""
    words = text.split()
    if len(words) == 1:
        return words[0], None, None
    middle = " ".join(words[1:-1]) or None
    return words[0], middle, words[-1]


_HANDLE_WORDS = (
    "kl07",
    "kl10",
    "hyd",
    "mallu",
    "chekkan",
    "bro",
    "boy",
    "king",
    "rider",
    "official",
    "ts09",
    "dude",
    "rockz",
    "star",
    "ajju",
    "kannan",
    "appu",
    "tiger",
)


def handle_stem(rng: random.Random, name: PersonName) -> str:
    """A lower-case screen-name stem: most derive from the name, some say nothing about it."""
    first = name.given[0].lower().replace(".", "")
    last = (name.surname or name.house or name.given[-1]).lower()
    form = rng.randrange(7)
    if form == 0:
        return f"{first}_{last}"
    if form == 1:
        return f"{first}.{last[0]}"
    if form == 2:
        return f"{first}{last}"
    if form == 3:
        return f"{rng.choice(_HANDLE_WORDS)}_{first}"
    if form == 4:
        return f"{first}_{rng.choice(_HANDLE_WORDS)}"
    if form == 5:
        return f"{rng.choice(_HANDLE_WORDS)}_{rng.choice(_HANDLE_WORDS)}"
    return f"its_{first}"


_MINOR_FIRST = (
    "Ananya",
    "Diya",
    "Gowri",
    "Meenakshi",
    "Ammu",
    "Fathima",
    "Aysha",
    "Sneha",
    "Keerthana",
    "Lakshmi",
    "Harini",
    "Sana",
    "Aditya",
    "Adarsh",
    "Farhan",
    "Nandana",
    "Devika",
    "Sreya",
)


def minor_first_name(rng: random.Random) -> str:
    """A first name for a synthetic child account holder (intended recipients only)."""
    return rng.choice(_MINOR_FIRST)
