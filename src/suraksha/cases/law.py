"""The law a case is charged and run under: offences by version, law version by date, charges.

Everything here is a dated fact with its source, so that a prosecutor can check each one; the same
facts, with links, are in docs/law.md. Nothing here is legal advice: the Gazette text governs.

    what                         rule                                          source
    penal code                   offence before 1 Jul 2024 → IPC, else BNS     Art. 20(1); Deepu (All HC 2024)
    procedure and evidence       investigation pending before 1 Jul 2024 →     BNSS s.531(2)(a); BSA s.170(2)
                                 CrPC + Evidence Act, else BNSS + BSA
    POCSO ss.14 and 15           the text in force on the offence date         POCSO (Amendment) Act 2019,
                                 (substituted from 16 Aug 2019)                 Act 25 of 2019
    charges from evidence        possession/browsing → POCSO 15 + IT 67B(b);   the sections' own words
                                 production → POCSO 13/14; grooming or
                                 enticement → POCSO 11/12 + IT 67B(c)
    electronic material          do not add IPC 292 / BNS 294                  Sharat Babu Digumarti (SC 2016);
                                                                                IT Act s.81

Dates are calendar dates in India (IST): a law "in force from 1 Jul 2024" applies to an offence
committed on that date. `in_force_until` is the last day a text applied (inclusive).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

CHECKED: Final = date(2026, 11, 26)
"""The day every source below was last read."""

NEW_CODES_FROM: Final = date(2024, 7, 1)
"""BNS, BNSS and BSA in force (MHA notifications of 23 Feb 2024; BNS: S.O. 850(E))."""
POCSO_FROM: Final = date(2012, 11, 14)
"""POCSO Act 2012 in force (notification S.O. 2705(E) of 9 Nov 2012)."""
POCSO_2019_FROM: Final = date(2019, 8, 16)
"""POCSO (Amendment) Act 2019 (Act 25 of 2019) in force: new ss.14 and 15."""
IT_2008_FROM: Final = date(2009, 10, 27)
"""Information Technology (Amendment) Act 2008 (Act 10 of 2009) in force: ss.67A, 67B, 77B."""


class ActCode(StrEnum):
    """The statutes Suraksha knows, by a short stable code."""

    IT_ACT = "it_act"
    POCSO = "pocso"
    IPC = "ipc"
    BNS = "bns"
    CRPC = "crpc"
    BNSS = "bnss"
    IEA = "iea"
    BSA = "bsa"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact can be checked: a statute's section, a notification or a judgment.

    `verified` is False when the fact could not be confirmed against a public source while this
    was written; `note` then says what is uncertain. The web addresses are the public copies that
    were read; the Gazette and India Code (indiacode.nic.in) are the authority.
    """

    title: str
    url: str
    verified: bool = True
    note: str = ""
    checked: date = CHECKED


@dataclass(frozen=True, slots=True)
class Act:
    """A statute: its number, when it applied, and where that is written."""

    code: ActCode
    title: str
    number: str | None  # "Act 21 of 2000"; None where not confirmed
    in_force_from: date | None  # None: before 2009, the earliest date this module is used for
    in_force_until: date | None
    source: Source

    def in_force_on(self, day: date) -> bool:
        """The act applied on `day`."""
        return _within(day, self.in_force_from, self.in_force_until)


@dataclass(frozen=True, slots=True)
class Offence:
    """One version of an offence (or of the section that defines it) as the text says.

    `section` is written as the statute numbers it ("67B(b)", "15(1)", "354A"). `version` names
    the text ("2012", "2019", "2008 amendment", "2023"); the pair (act, section, version) is
    unique. `max_years` is the longest imprisonment the text allows on a first conviction
    (`math.inf` for life), None where the text sets no maximum or no imprisonment applies
    (`punishment` says which). `cognisable` and `bailable` are filled only where a source says so.
    """

    act: ActCode
    section: str
    title: str
    version: str
    in_force_from: date | None
    in_force_until: date | None
    punishment: str
    max_years: float | None
    source: Source
    cognisable: bool | None = None
    bailable: bool | None = None
    classification_source: Source | None = None
    defines_only: bool = False  # a definition (POCSO 11, 13) punished under another section

    @property
    def base_section(self) -> str:
        """The section number without its sub-section or clause: "15(1)" → "15"."""
        return self.section.split("(", 1)[0]

    @property
    def label(self) -> str:
        """How a charge sheet names it: "POCSO s.15(1)"."""
        return f"{ACT_LABELS[self.act]} s.{self.section}"

    def in_force_on(self, day: date) -> bool:
        """This text applied to an offence committed on `day`."""
        return _within(day, self.in_force_from, self.in_force_until)


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


ACT_LABELS: Final = {
    ActCode.IT_ACT: "IT Act",
    ActCode.POCSO: "POCSO",
    ActCode.IPC: "IPC",
    ActCode.BNS: "BNS",
    ActCode.CRPC: "CrPC",
    ActCode.BNSS: "BNSS",
    ActCode.IEA: "Evidence Act",
    ActCode.BSA: "BSA",
}

_BEFORE_NEW_CODES = NEW_CODES_FROM - timedelta(days=1)
_BEFORE_POCSO_2019 = POCSO_2019_FROM - timedelta(days=1)

# Sources, named once and reused. URLs are the public copies read on CHECKED.
INDIA_CODE = "https://www.indiacode.nic.in"
SRC_NEW_CODES_NOTIFICATION = Source(
    "MHA notifications of 23 Feb 2024 appointing 1 Jul 2024 for BNS (S.O. 850(E), except "
    "s.106(2)), BNSS and BSA",
    "https://www.verdictum.in/news/new-criminal-bills-ministry-of-home-affairs-notifications-1522238",
    note="S.O. numbers of the BNSS and BSA notifications not confirmed",
)
SRC_POCSO_COMMENCEMENT = Source(
    "POCSO Act 2012, s.1(3), footnote: in force 14 Nov 2012 (S.O. 2705(E), 9 Nov 2012)",
    "https://kanoonmitra.com/%E0%A4%A7%E0%A4%BE%E0%A4%B0%E0%A4%BE-1-%E0%A4%AA%E0%A5%8B%E0%A4%95%E0%A5%8D%E0%A4%B8%E0%A5%8B-%E0%A4%8F%E0%A4%95%E0%A5%8D%E0%A4%9F/",
)
SRC_POCSO_2019 = Source(
    "POCSO (Amendment) Act 2019 (Act 25 of 2019, assent 5 Aug 2019): s.7 substitutes s.14, s.8 "
    "substitutes s.15; notified in force 16 Aug 2019",
    "https://www.azbpartners.com/bank/amendment-to-the-protection-of-children-from-sexual-offences-act-2012/",
    note="the commencement notification itself (its S.O. number) was not read; date from AZB & "
    "Partners (5 Sep 2019) and lawinsider.in; one bare-act site footnotes s.42 'w.e.f. "
    "5-8-2019' (the assent date): check the Gazette",
)
SRC_IT_2008 = Source(
    "Information Technology (Amendment) Act 2008 (Act 10 of 2009), notified in force 27 Oct 2009",
    "http://www.sharefraud.in/?p=22",
    note="date from a practitioner's note and The Hindu (28 Oct 2009); notification number not read",
)
SRC_IT_67 = Source(
    "IT Act 2000, s.67 (as substituted by Act 10 of 2009)",
    "https://www.srdlawnotes.com/2023/09/punishment-for-publishing-or.html",
)
SRC_IT_67A = Source(
    "IT Act 2000, s.67A (inserted by Act 10 of 2009)",
    "https://expertcyberlawyer.com/post/cyber-laws-publishing-or-transmitting-of-material-containing-sexually-explicit-act-etc-in-electronic-form-a-sec-67a",
)
SRC_IT_67B = Source(
    "IT Act 2000, s.67B(a)–(e) (inserted by Act 10 of 2009)",
    "https://zcybersecurity.com/section-67b-of-it-act-explanation/",
    note="clauses (a), (b) read verbatim; (c)–(e) read in summary (childprotectionindia.com, "
    "FIRE): check the exact words on India Code",
)
SRC_IT_77B = Source(
    "IT Act 2000, s.77B: offences punishable with three years and above cognizable; three "
    "years bailable",
    "https://expertcyberlawyer.com/post/offences-with-three-years-imprisonment-to-be-cognizable-a--sec-77b",
)
SRC_IT_81 = Source(
    "IT Act 2000, s.81 (overriding effect), as applied in Sharat Babu Digumarti",
    "https://www.thelaweasy.com/sharat-babu-digumarti-v-govt-of-nct-of-delhi-2016-scc",
    note="the text of s.81 itself was not read",
)
SRC_POCSO_11_13 = Source(
    "POCSO Act 2012, ss.11, 12, 13",
    "http://vidhijudicial.com/pocso-sec11-18.html",
)
SRC_POCSO_14_2012 = Source(
    "POCSO Act 2012, s.14 as enacted",
    "https://yumpu.com/en/document/view/49721063/the-protection-of-children-from-sexual-offences-act-2012-govt-of-/6",
)
SRC_POCSO_14_2019 = Source(
    "POCSO Act 2012, s.14 as substituted by Act 25 of 2019, s.7",
    "https://constitutionofindia.in/section-14-of-the-protection-of-children-from-sexual-offences-act-2012",
)
SRC_POCSO_15_2012 = Source(
    "POCSO Act 2012, s.15 as enacted (storage for commercial purposes)",
    "https://sahodar.in/section-15-in-the-protection-of-children-from-sexual-offences-act-2012/?noamp=mobile",
    note="read in summary, not verbatim; check the 2012 Gazette text",
)
SRC_POCSO_15_2019 = Source(
    "POCSO Act 2012, s.15(1)–(3) as substituted by Act 25 of 2019, s.8",
    "https://constitutionofindia.in/section-15-of-the-protection-of-children-from-sexual-offences-act-2012",
)
SRC_POCSO_42 = Source(
    "POCSO Act 2012, s.42 (alternate punishment; names IT Act s.67B) and s.42A (overriding effect)",
    "https://aaptaxlaw.com/pocso-act/42-pocso-act-alternate-punishment-section-42-of-pocso-act-2012.html",
)
SRC_HARISH = Source(
    "Just Rights for Children Alliance v. S. Harish (SC, 23 Sep 2024): s.15 offences are "
    "inchoate; viewing online with control over the material can be possession",
    "http://freelaw.in/legalnews/Storing-Child-Pornography-Material-Without-Deleting-Or-Reporting-Constitutes-An-Offence-Under-POCSO-Act-Supreme-Court",
)
SRC_DIGUMARTI = Source(
    "Sharat Babu Digumarti v. Govt. of NCT of Delhi, Crl. A. 1222 of 2016 (SC, 14 Dec 2016)",
    "https://courtverdict.com/supreme-court-of-india/sharat-babu-digumarti-vs-govt-of-nct-of-delhi",
)
SRC_IPC_292 = Source(
    "IPC 1860, s.292", "https://future.indiankanoon.org/doc/776798", note="sub-section (2) read"
)
SRC_IPC_293 = Source("IPC 1860, s.293", "https://ipclaws.in/ipc/section-293/")
SRC_BNS_294 = Source("BNS 2023, s.294", "https://law.emunshi.ai/bns/294")
SRC_BNS_294_CLASS = Source(
    "BNSS First Schedule entry for BNS s.294(2), as reproduced",
    "https://ajinkyainnovations.com/bns-2023-section-294-sale-etc-of-obscene-books-etc",
    note="read from a secondary reproduction of the schedule",
)
SRC_BNS_295 = Source(
    "BNS 2023, s.295",
    "https://apnilaw.com/bare-act/bns/section-295-bharatiya-nyaya-sanhita-bns-sale-etc-of-obscene-objects-to-child",
)
SRC_BNS_75 = Source(
    "BNS 2023, s.75 (earlier IPC s.354A)",
    "https://thelawgist.org/criminal-force-and-assault-against-woman-section-74-79",
)
SRC_BNS_79 = Source(
    "BNS 2023, s.79 (replaces IPC s.509)",
    "https://ipclaws.in/bns/section-79-word-gesture-or-act-intended-to-insult-modesty-of-a-woman",
)
SRC_79_CLASS = Source(
    "First Schedule entries for IPC s.509 / BNS s.79, as reproduced",
    "https://ajinkyainnovations.com/ipc-%E0%A4%95%E0%A4%B2%E0%A4%AE-%E0%A5%AB%E0%A5%A6%E0%A5%AF-%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%8D%E0%A4%B0%E0%A5%80%E0%A4%9A%E0%A4%BE-%E0%A4%B5%E0%A4%BF%E0%A4%A8%E0%A4%AF%E0%A4%AD%E0%A4%82%E0%A4%97/",
    note="read from a secondary reproduction of the schedule",
)
SRC_BNS_72 = Source(
    "BNS 2023, s.72 (IPC s.228A)",
    "https://bnsbareact.org/bns-act/section-72-bns-bare-act",
)
SRC_IPC_354A = Source(
    "IPC 1860, s.354A (Criminal Law (Amendment) Act 2013)",
    "https://thelawgist.org/criminal-force-and-assault-against-woman-section-74-79",
    verified=False,
    note="punishment read from the BNS s.75 counterpart page, not from the IPC text",
)
SRC_IPC_509 = Source(
    "IPC 1860, s.509",
    "https://ajinkyainnovations.com/ipc-%E0%A4%95%E0%A4%B2%E0%A4%AE-%E0%A5%AB%E0%A5%A6%E0%A5%AF-%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%8D%E0%A4%B0%E0%A5%80%E0%A4%9A%E0%A4%BE-%E0%A4%B5%E0%A4%BF%E0%A4%A8%E0%A4%AF%E0%A4%AD%E0%A4%82%E0%A4%97/",
)
SRC_IPC_228A = Source(
    "IPC 1860, s.228A",
    "https://bnssections.in/?p=417",
    verified=False,
    note="punishment read from the BNS s.72 page that quotes the IPC counterpart",
)
SRC_BNSS_531 = Source(
    "BNSS 2023, s.531(2)(a): pending appeal, application, trial, inquiry or investigation "
    "continues under the CrPC",
    "https://bnsbareact.org/bnss-bare-act/section-531-of-the-bharatiya-nagarik-suraksha-sanhita-bnss-2023",
)
SRC_BSA_170 = Source(
    "BSA 2023, s.170(2): pending application, trial, inquiry, investigation, proceeding or "
    "appeal dealt with under the Indian Evidence Act 1872",
    "https://apnilaw.com/bare-act/bsa/section-170-bharatiya-sakshya-adhiniyam-bsa-repeal-and-savings",
)
SRC_DEEPU = Source(
    "Deepu v. State of U.P., Crl. Misc. Writ Petition 12287 of 2024 (Allahabad HC, Aug 2024): FIR "
    "on or after 1 Jul 2024 for an earlier offence is under the IPC, investigated under the BNSS",
    "https://livelaw.in/high-court/allahabad-high-court/allahabad-high-court-investigation-pending-july1-2024-crpc-cognizance-police-report-bnss-266900",
    note="High Courts differ on later stages of cases pending on 1 Jul 2024 (SCC Online blog, "
    "23 Aug 2024); the Supreme Court's view was not found",
)


def _it67b(clause: str, title: str) -> Offence:
    return Offence(
        ActCode.IT_ACT,
        f"67B({clause})",
        title,
        "2008 amendment",
        IT_2008_FROM,
        None,
        "first conviction: imprisonment up to 5 years and fine up to ₹10 lakh; second or "
        "subsequent: up to 7 years and fine up to ₹10 lakh",
        5.0,
        SRC_IT_67B,
        cognisable=True,
        classification_source=SRC_IT_77B,
    )


OFFENCES: Final[tuple[Offence, ...]] = (
    # Information Technology Act 2000, as amended by Act 10 of 2009 (in force 27 Oct 2009).
    Offence(
        ActCode.IT_ACT,
        "67",
        "publishing or transmitting obscene material in electronic form",
        "2008 amendment",
        IT_2008_FROM,
        None,
        "first conviction: imprisonment up to 3 years and fine up to ₹5 lakh; second or "
        "subsequent: up to 5 years and fine up to ₹10 lakh",
        3.0,
        SRC_IT_67,
        cognisable=True,
        classification_source=SRC_IT_77B,
    ),
    Offence(
        ActCode.IT_ACT,
        "67A",
        "publishing or transmitting material containing a sexually explicit act in electronic form",
        "2008 amendment",
        IT_2008_FROM,
        None,
        "first conviction: imprisonment up to 5 years and fine up to ₹10 lakh; second or "
        "subsequent: up to 7 years and fine up to ₹10 lakh",
        5.0,
        SRC_IT_67A,
        cognisable=True,
        classification_source=SRC_IT_77B,
    ),
    _it67b(
        "a",
        "publishes or transmits in electronic form material depicting children engaged in a "
        "sexually explicit act or conduct",
    ),
    _it67b(
        "b",
        "creates text or digital images, collects, seeks, browses, downloads, advertises, "
        "promotes, exchanges or distributes material in electronic form depicting children in an "
        "obscene, indecent or sexually explicit manner",
    ),
    _it67b(
        "c",
        "cultivates, entices or induces children into an online relationship for a sexually "
        "explicit act (grooming)",
    ),
    _it67b("d", "facilitates abusing children online"),
    _it67b(
        "e",
        "records in electronic form own abuse, or that of others, pertaining to a sexually "
        "explicit act with children",
    ),
    # POCSO Act 2012 (in force 14 Nov 2012).
    Offence(
        ActCode.POCSO,
        "11",
        "sexual harassment of a child (with sexual intent: words, gestures, showing pornography, "
        "repeated contact by electronic means, threats to use depictions, enticing for "
        "pornographic purposes)",
        "2012",
        POCSO_FROM,
        None,
        "defines the offence; punished under s.12",
        None,
        SRC_POCSO_11_13,
        defines_only=True,
    ),
    Offence(
        ActCode.POCSO,
        "12",
        "punishment for sexual harassment of a child",
        "2012",
        POCSO_FROM,
        None,
        "imprisonment of either description up to 3 years and fine",
        3.0,
        SRC_POCSO_11_13,
    ),
    Offence(
        ActCode.POCSO,
        "13",
        "use of a child for pornographic purposes (any media; 'use' includes preparation, "
        "production, offering, transmitting, publishing, facilitation and distribution)",
        "2012",
        POCSO_FROM,
        None,
        "defines the offence; punished under s.14",
        None,
        SRC_POCSO_11_13,
        defines_only=True,
    ),
    Offence(
        ActCode.POCSO,
        "14(1)",
        "punishment for using a child for pornographic purposes",
        "2012",
        POCSO_FROM,
        _BEFORE_POCSO_2019,
        "imprisonment of either description up to 5 years and fine; second or subsequent "
        "conviction up to 7 years and fine (ss.14(2)–(5): more where the person also commits "
        "sexual assault by directly participating)",
        5.0,
        SRC_POCSO_14_2012,
    ),
    Offence(
        ActCode.POCSO,
        "14(1)",
        "punishment for using a child for pornographic purposes",
        "2019",
        POCSO_2019_FROM,
        None,
        "imprisonment not less than 5 years and fine; second or subsequent conviction not less "
        "than 7 years and fine (no maximum stated); s.14(2): where the person also commits an "
        "offence under s.3, 5, 7 or 9 by directly participating, punished under s.4, 6, 8 or 10 "
        "as well",
        None,
        SRC_POCSO_14_2019,
    ),
    Offence(
        ActCode.POCSO,
        "15",
        "storage of pornographic material involving a child for commercial purposes",
        "2012",
        POCSO_FROM,
        _BEFORE_POCSO_2019,
        "imprisonment of either description up to 3 years, or fine, or both",
        3.0,
        SRC_POCSO_15_2012,
    ),
    Offence(
        ActCode.POCSO,
        "15(1)",
        "storing or possessing pornographic material involving a child and failing to delete, "
        "destroy or report it, with intention to share or transmit",
        "2019",
        POCSO_2019_FROM,
        None,
        "fine not less than ₹5,000; second or subsequent offence fine not less than ₹10,000",
        None,
        SRC_POCSO_15_2019,
    ),
    Offence(
        ActCode.POCSO,
        "15(2)",
        "storing or possessing pornographic material involving a child for transmitting, "
        "propagating, displaying or distributing (except for reporting or as evidence)",
        "2019",
        POCSO_2019_FROM,
        None,
        "imprisonment of either description up to 3 years, or fine, or both",
        3.0,
        SRC_POCSO_15_2019,
    ),
    Offence(
        ActCode.POCSO,
        "15(3)",
        "storing or possessing pornographic material involving a child for commercial purpose",
        "2019",
        POCSO_2019_FROM,
        None,
        "first conviction: imprisonment 3 to 5 years, or fine, or both; second or subsequent: "
        "5 to 7 years and fine",
        5.0,
        SRC_POCSO_15_2019,
    ),
    # Indian Penal Code 1860 (until 30 Jun 2024) and its Bharatiya Nyaya Sanhita counterparts.
    Offence(
        ActCode.IPC,
        "292",
        "sale, etc., of obscene books, etc.",
        "1860",
        None,
        _BEFORE_NEW_CODES,
        "first conviction: imprisonment up to 2 years and fine up to ₹2,000; second or "
        "subsequent: up to 5 years and fine up to ₹5,000",
        2.0,
        SRC_IPC_292,
    ),
    Offence(
        ActCode.IPC,
        "293",
        "sale, etc., of obscene objects to a young person (under 20)",
        "1860",
        None,
        _BEFORE_NEW_CODES,
        "first conviction: imprisonment up to 3 years and fine up to ₹2,000; second or "
        "subsequent: up to 7 years and fine up to ₹5,000",
        3.0,
        SRC_IPC_293,
    ),
    Offence(
        ActCode.IPC,
        "354A",
        "sexual harassment (of a woman)",
        "2013 amendment",
        None,
        _BEFORE_NEW_CODES,
        "up to 3 years, or fine, or both; sexually coloured remarks: up to 1 year, or fine, or both",
        3.0,
        SRC_IPC_354A,
    ),
    Offence(
        ActCode.IPC,
        "509",
        "word, gesture or act intended to insult the modesty of a woman",
        "1860",
        None,
        _BEFORE_NEW_CODES,
        "simple imprisonment up to 3 years and fine",
        3.0,
        SRC_IPC_509,
        cognisable=True,
        bailable=True,
        classification_source=SRC_79_CLASS,
    ),
    Offence(
        ActCode.IPC,
        "228A",
        "disclosure of the identity of the victim of certain offences",
        "1860",
        None,
        _BEFORE_NEW_CODES,
        "imprisonment up to 2 years and fine",
        2.0,
        SRC_IPC_228A,
    ),
    Offence(
        ActCode.BNS,
        "294",
        "sale, etc., of obscene books, etc. (expressly including display of content in "
        "electronic form)",
        "2023",
        NEW_CODES_FROM,
        None,
        "first conviction: imprisonment up to 2 years and fine up to ₹5,000; second or "
        "subsequent: up to 5 years and fine up to ₹10,000",
        2.0,
        SRC_BNS_294,
        cognisable=True,
        bailable=True,
        classification_source=SRC_BNS_294_CLASS,
    ),
    Offence(
        ActCode.BNS,
        "295",
        "sale, etc., of obscene objects to a child",
        "2023",
        NEW_CODES_FROM,
        None,
        "first conviction: imprisonment up to 3 years and fine up to ₹2,000; second or "
        "subsequent: up to 7 years and fine up to ₹5,000",
        3.0,
        SRC_BNS_295,
    ),
    Offence(
        ActCode.BNS,
        "75",
        "sexual harassment (of a woman)",
        "2023",
        NEW_CODES_FROM,
        None,
        "up to 3 years, or fine, or both; sexually coloured remarks: up to 1 year, or fine, or both",
        3.0,
        SRC_BNS_75,
    ),
    Offence(
        ActCode.BNS,
        "79",
        "word, gesture or act intended to insult the modesty of a woman",
        "2023",
        NEW_CODES_FROM,
        None,
        "simple imprisonment up to 3 years and fine",
        3.0,
        SRC_BNS_79,
        cognisable=True,
        bailable=True,
        classification_source=SRC_79_CLASS,
    ),
    Offence(
        ActCode.BNS,
        "72",
        "disclosure of the identity of the victim of certain offences",
        "2023",
        NEW_CODES_FROM,
        None,
        "imprisonment of either description up to 2 years and fine",
        2.0,
        SRC_BNS_72,
        cognisable=True,
        bailable=True,
        classification_source=SRC_BNS_72,
    ),
)
"""Every offence text Suraksha charges or warns about; the guard test keeps it consistent."""

ACTS: Final[tuple[Act, ...]] = (
    Act(
        ActCode.IT_ACT,
        "Information Technology Act, 2000",
        "Act 21 of 2000",
        None,
        None,
        Source("POCSO s.42 cites it as (21 of 2000)", SRC_POCSO_42.url),
    ),
    Act(
        ActCode.POCSO,
        "Protection of Children from Sexual Offences Act, 2012",
        "Act 32 of 2012",
        POCSO_FROM,
        None,
        SRC_POCSO_COMMENCEMENT,
    ),
    Act(
        ActCode.IPC,
        "Indian Penal Code, 1860",
        "Act 45 of 1860",
        None,
        _BEFORE_NEW_CODES,
        Source(
            "replaced by the BNS from 1 Jul 2024",
            SRC_NEW_CODES_NOTIFICATION.url,
            note="the BNS repeal and savings section (s.358) was not read",
        ),
    ),
    Act(
        ActCode.BNS,
        "Bharatiya Nyaya Sanhita, 2023",
        "Act 45 of 2023",
        NEW_CODES_FROM,
        None,
        SRC_NEW_CODES_NOTIFICATION,
    ),
    Act(
        ActCode.CRPC,
        "Code of Criminal Procedure, 1973",
        "Act 2 of 1974",
        None,
        _BEFORE_NEW_CODES,
        SRC_BNSS_531,
    ),
    Act(
        ActCode.BNSS,
        "Bharatiya Nagarik Suraksha Sanhita, 2023",
        "Act 46 of 2023",
        NEW_CODES_FROM,
        None,
        SRC_NEW_CODES_NOTIFICATION,
    ),
    Act(
        ActCode.IEA,
        "Indian Evidence Act, 1872",
        None,
        None,
        _BEFORE_NEW_CODES,
        SRC_BSA_170,
    ),
    Act(
        ActCode.BSA,
        "Bharatiya Sakshya Adhiniyam, 2023",
        "Act 47 of 2023",
        NEW_CODES_FROM,
        None,
        SRC_NEW_CODES_NOTIFICATION,
    ),
)
"""The statutes, with when each applied (the old codes still govern pending matters)."""


@dataclass(frozen=True, slots=True)
class Counterpart:
    """An IPC section and the BNS section that replaced it from 1 Jul 2024."""

    ipc: str
    bns: str
    subject: str
    source: Source


COUNTERPARTS: Final[tuple[Counterpart, ...]] = (
    Counterpart("292", "294", "obscene books and objects", SRC_BNS_294_CLASS),
    Counterpart(
        "293",
        "295",
        "obscene objects to a young person / child",
        Source("BNS s.295 replaces IPC s.293", "https://marriagesolution.in/bns_section/295-bns"),
    ),
    Counterpart("354A", "75", "sexual harassment", SRC_BNS_75),
    Counterpart("509", "79", "insulting the modesty of a woman", SRC_BNS_79),
    Counterpart("228A", "72", "disclosure of a victim's identity", SRC_IPC_228A),
)
"""IPC ↔ BNS pairs Suraksha uses. Wording and punishments differ: compare before converting."""


def bns_for_ipc(section: str) -> Counterpart | None:
    """The BNS counterpart of an IPC section, if Suraksha knows it."""
    return next((c for c in COUNTERPARTS if c.ipc == section), None)


def ipc_for_bns(section: str) -> Counterpart | None:
    """The IPC section a BNS section replaced, if Suraksha knows it."""
    return next((c for c in COUNTERPARTS if c.bns == section), None)


def act(code: ActCode) -> Act:
    """The registry entry of a statute."""
    return next(a for a in ACTS if a.code == code)


def offence_on(act_code: ActCode, section: str, day: date) -> Offence | None:
    """The text of `section` that applied on `day`, or None if no encoded text did.

    Asking for a sub-section the old text did not have ("15(2)" in 2018) returns the section as it
    then read ("15", 2012), because that is what an offence on that day must be charged under if
    its ingredients fit; the caller reads `punishment` and `title` to check they do.
    """
    exact = [o for o in OFFENCES if o.act == act_code and o.section == section]
    found = next((o for o in exact if o.in_force_on(day)), None)
    if found is not None:
        return found
    base = section.split("(", 1)[0]
    return next(
        (o for o in OFFENCES if o.act == act_code and o.section == base and o.in_force_on(day)),
        None,
    )


def section_version(offence: Offence, offence_date: date) -> Offence | None:
    """The version of `offence`'s section in force on `offence_date` (None if none was).

    POCSO ss.14 and 15 were substituted from 16 Aug 2019 (Act 25 of 2019): an offence on 15 Aug
    2019 takes the 2012 text, one on 16 Aug 2019 the new one. Art. 20(1) of the Constitution
    forbids a heavier penalty than the law in force when the act was done.
    """
    return offence_on(offence.act, offence.section, offence_date)


@dataclass(frozen=True, slots=True)
class Procedure:
    """The procedural code and evidence law a case is investigated under, and why."""

    procedure: ActCode  # CRPC or BNSS
    evidence: ActCode  # IEA or BSA
    penal: ActCode  # IPC or BNS: the offence date decides, not the FIR date
    reason: str
    sources: tuple[Source, ...]


def penal_code_for(offence_date: date) -> ActCode:
    """IPC for an offence committed before 1 Jul 2024, BNS from that day.

    The substantive law is the one in force when the act was done (Art. 20(1); Deepu v. State of
    U.P., Allahabad HC 2024), whatever the date of the FIR.
    """
    return ActCode.BNS if offence_date >= NEW_CODES_FROM else ActCode.IPC


def procedure_for(
    offence_date: date, fir_date: date | None, investigation_started: date | None = None
) -> Procedure:
    """Which procedure and evidence law govern the investigation of a case.

    An investigation pending immediately before 1 Jul 2024 continues under the CrPC (BNSS
    s.531(2)(a)) and the Indian Evidence Act (BSA s.170(2)); any other goes under the BNSS and
    BSA. An investigation is taken as pending from the FIR (or from `investigation_started`, e.g.
    a preliminary enquiry or investigation begun before the FIR, when earlier). With neither date,
    the case has no investigation yet and one begun now is under the BNSS.

    High Courts differ on the stages after a pending investigation (cognizance, trial, appeal):
    this answers only for the investigation; a prosecutor decides the rest.
    """
    penal = penal_code_for(offence_date)
    starts = [d for d in (fir_date, investigation_started) if d is not None]
    began = min(starts) if starts else None
    if began is not None and began < NEW_CODES_FROM:
        reason = (
            f"investigation pending before {NEW_CODES_FROM:%d %b %Y} (began {began:%d %b %Y}): "
            "it continues under the CrPC (BNSS s.531(2)(a)) and the Indian Evidence Act "
            "(BSA s.170(2))"
        )
        return Procedure(ActCode.CRPC, ActCode.IEA, penal, reason, (SRC_BNSS_531, SRC_BSA_170))
    when = f"began {began:%d %b %Y}" if began is not None else "not yet begun"
    reason = f"investigation {when}, not pending on {NEW_CODES_FROM:%d %b %Y}: BNSS and BSA apply"
    if penal == ActCode.IPC:
        reason += (
            f"; the offence ({offence_date:%d %b %Y}) predates them, so it is charged under the "
            "IPC (Art. 20(1); Deepu v. State of U.P., Allahabad HC 2024)"
        )
    return Procedure(
        ActCode.BNSS, ActCode.BSA, penal, reason, (SRC_BNSS_531, SRC_BSA_170, SRC_DEEPU)
    )


class EvidenceKind(StrEnum):
    """What the evidence shows the subject did, as charging turns on it."""

    POSSESSION = "possession"  # material stored on a device or account
    BROWSING = "browsing"  # viewing or searching for material, without keeping it
    DISTRIBUTION = "distribution"  # sending, sharing, uploading, publishing
    COMMERCIAL = "commercial"  # storing or dealing for gain
    PRODUCTION = "production"  # making material with a child
    GROOMING = "grooming"  # cultivating an online relationship with a child
    ENTICEMENT = "enticement"  # enticing or inducing a child for pornographic purposes


ELECTRONIC_MATERIAL: Final = frozenset(
    {
        EvidenceKind.POSSESSION,
        EvidenceKind.BROWSING,
        EvidenceKind.DISTRIBUTION,
        EvidenceKind.COMMERCIAL,
        EvidenceKind.PRODUCTION,
    }
)
"""Evidence about material in electronic form: the IPC 292 / BNS 294 warning applies."""


@dataclass(frozen=True, slots=True)
class ChargeSuggestion:
    """A section to consider charging, why the evidence points to it, and where to check it."""

    offence: Offence
    reason: str
    source: Source


@dataclass(frozen=True, slots=True)
class ChargeWarning:
    """Something a charge sheet should not do (or must check), with the reason and sources."""

    code: str
    message: str
    reason: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class ChargeSuggestions:
    """Suggested charges in the order to read them, and warnings. Suggestions, not decisions."""

    charges: list[ChargeSuggestion] = field(default_factory=list)
    warnings: list[ChargeWarning] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """The suggested sections as a charge sheet names them."""
        return [c.offence.label for c in self.charges]


def suggest_charges(evidence: Iterable[EvidenceKind], offence_date: date) -> ChargeSuggestions:
    """Sections the evidence points to on `offence_date`, with reasons and warnings.

    possession or browsing  → POCSO s.15 (the 2019 s.15(1); before 16 Aug 2019 only storage for
                              commercial purposes was an offence) with IT Act s.67B(b)
    distribution            → POCSO s.15(2) (2019 text) with IT Act s.67B(a)
    commercial              → POCSO s.15(3) (2019) or s.15 (2012)
    production              → POCSO s.13 punished under s.14(1) (text by date)
    grooming or enticement  → POCSO s.11 punished under s.12, with IT Act s.67B(c)

    POCSO s.42 lets the court punish under whichever of POCSO and IT Act s.67B is greater, so
    both are charged; it is not double punishment.
    """
    kinds = set(evidence)
    result = ChargeSuggestions()
    seen: set[tuple[ActCode, str]] = set()
    post_2019 = offence_date >= POCSO_2019_FROM

    def add(act_code: ActCode, section: str, reason: str) -> None:
        found = offence_on(act_code, section, offence_date)
        if found is None or (found.act, found.section) in seen:
            return
        seen.add((found.act, found.section))
        result.charges.append(ChargeSuggestion(found, reason, found.source))

    def pair() -> str:
        if any(c.offence.act == ActCode.POCSO for c in result.charges):
            return "; charged with the POCSO section: POCSO s.42 applies the greater punishment"
        return ""

    if kinds & {EvidenceKind.POSSESSION, EvidenceKind.BROWSING}:
        if post_2019:
            add(
                ActCode.POCSO,
                "15(1)",
                "material stored or possessed and not deleted, destroyed or reported: the "
                "intention to share is read from how it was kept (Just Rights for Children "
                "Alliance v. S. Harish, SC 2024); viewing online with control over the material "
                "can be possession",
            )
        elif EvidenceKind.COMMERCIAL not in kinds:
            result.warnings.append(
                ChargeWarning(
                    "pocso_15_before_2019",
                    "POCSO s.15 as it read before 16 Aug 2019 does not fit possession alone",
                    "the 2012 text punished storage for commercial purposes only; possession or "
                    "browsing on this date is charged under IT Act s.67B(b)",
                    (SRC_POCSO_15_2012, SRC_POCSO_2019),
                )
            )
        add(
            ActCode.IT_ACT,
            "67B(b)",
            "collecting, seeking, browsing or downloading material depicting children in "
            f"electronic form{pair()}",
        )
    if EvidenceKind.DISTRIBUTION in kinds:
        if post_2019:
            add(
                ActCode.POCSO,
                "15(2)",
                "material stored or possessed for transmitting, displaying or distributing",
            )
        add(
            ActCode.IT_ACT,
            "67B(a)",
            f"publishing or transmitting material depicting children in electronic form{pair()}",
        )
    if EvidenceKind.COMMERCIAL in kinds:
        add(
            ActCode.POCSO,
            "15(3)" if post_2019 else "15",
            "material stored or possessed for a commercial purpose",
        )
    if EvidenceKind.PRODUCTION in kinds:
        add(ActCode.POCSO, "13", "a child used in media for sexual gratification (production)")
        add(
            ActCode.POCSO,
            "14(1)",
            "punishment for using a child for pornographic purposes; if the person also "
            "assaulted the child by directly participating, add the assault sections (s.14(2))",
        )
    if kinds & {EvidenceKind.GROOMING, EvidenceKind.ENTICEMENT}:
        add(
            ActCode.POCSO,
            "11",
            "sexual harassment of a child: repeated contact by electronic means (s.11(iv)) or "
            "enticing for pornographic purposes (s.11(vi))",
        )
        add(ActCode.POCSO, "12", "punishment for sexual harassment of a child (s.11)")
        add(
            ActCode.IT_ACT,
            "67B(c)",
            f"cultivating, enticing or inducing a child into an online relationship{pair()}",
        )
    if kinds & ELECTRONIC_MATERIAL:
        result.warnings.append(_obscenity_warning(offence_date))
    if kinds and not result.charges:
        result.warnings.append(
            ChargeWarning(
                "no_offence_in_force",
                f"no encoded offence fits this evidence on {offence_date:%d %b %Y}",
                f"POCSO is in force from {POCSO_FROM:%d %b %Y} and IT Act s.67B from "
                f"{IT_2008_FROM:%d %b %Y}; earlier conduct needs the law then in force",
                (SRC_POCSO_COMMENCEMENT, SRC_IT_2008),
            )
        )
    return result


def _obscenity_warning(offence_date: date) -> ChargeWarning:
    section = "BNS s.294" if penal_code_for(offence_date) == ActCode.BNS else "IPC s.292"
    return ChargeWarning(
        "no_general_obscenity_charge",
        f"do not add {section} for material in electronic form (IPC s.292 for offences before "
        f"{NEW_CODES_FROM:%d %b %Y}, BNS s.294 from then)",
        "the IT Act ss.67, 67A and 67B are a special law for obscene and child sexual abuse "
        "material in electronic form, with overriding effect (IT Act s.81); the Supreme Court held "
        "that where they apply the accused 'gets out of the net' of IPC s.292 for the same act "
        "(Sharat Babu Digumarti, 2016), and POCSO itself overrides inconsistent law (s.42A). "
        "BNS s.294 now mentions content in electronic form; whether that changes the Digumarti "
        "reasoning is not settled in any judgment found: a prosecutor decides",
        (SRC_DIGUMARTI, SRC_IT_81, SRC_POCSO_42, SRC_BNS_294),
    )
