"""Deadlines of a case: the statutory clocks that run from its events, and the evidence clocks.

A `Clock` says how long, from which event, under which rule (with its source), how binding it is
and what follows when it is missed. `deadlines_for` reads a case's dated events and returns each
clock's `Deadline`: when it falls due, whether it is upcoming, due soon, missed or met, and why.
The evidence freshness clocks (platform preservation, IP logs, device) come from
`suraksha.intel.freshness`, read through its public functions, so a case shows them too.

    clock                      period            from                  rule (law version)
    efir_signature             3 days            e-FIR received        BNSS s.173(1)(ii)
    preliminary_enquiry        14 days           enquiry started       BNSS s.173(3)
    cwc_special_court_report   24 hours          information received  POCSO s.19(6)
    production                 24 hours          arrest                BNSS s.58 / CrPC s.57
    police_custody_window      40 or 60 days     first remand          BNSS s.187(2) / CrPC
                               (CrPC: 15 days)                         s.167(2), Anupam Kulkarni
    chargesheet_default_bail   60 or 90 days     first remand          BNSS s.187(3) / CrPC
                                                                       s.167(2)
    progress_update            90 days           FIR registered        BNSS s.193(3)(ii)
    child_evidence             30 days           cognizance            POCSO s.35(1)
    trial                      1 year            cognizance            POCSO s.35(2)

Instants are stored in UTC and shown in IST (UTC+5:30, no daylight saving). The 24-hour clocks
run to the minute. The default-bail and custody windows count days as the Supreme Court does for
default bail (the day of remand is day 1: ED v. Kapil Wadhawan, 2023), so they end at midnight
IST. Other day clocks end the same time of day N days later, which is never later than the law's
own count: an alert here is early rather than late.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Final

from suraksha.cases.law import ActCode, Source
from suraksha.intel.freshness import Mark, describe, read_clock
from suraksha.intel.weights import CLOCKS as FRESHNESS_CLOCKS
from suraksha.intel.weights import PriorityWeights, default_weights

IST: Final = timezone(timedelta(hours=5, minutes=30), "IST")
DAY: Final = timedelta(days=1)
LAW_VERSIONS: Final = frozenset({ActCode.CRPC, ActCode.BNSS})
BOTH: Final = LAW_VERSIONS
BNSS_ONLY: Final = frozenset({ActCode.BNSS})


class EventKind(StrEnum):
    """A dated event in a case that starts or meets a clock."""

    OFFENCE = "offence"  # the incident (also runs the evidence clocks)
    REPORT_RECEIVED = "report_received"  # the tipline report reached the unit or NCMEC
    IP_CAPTURE = "ip_capture"  # the last IP capture with exact time
    INFORMATION_RECEIVED = "information_received"  # police learn of a POCSO offence
    EFIR_RECEIVED = "efir_received"  # information given by electronic communication
    EFIR_SIGNED = "efir_signed"
    ENQUIRY_STARTED = "enquiry_started"  # preliminary enquiry begun with a DSP's permission
    ENQUIRY_CONCLUDED = "enquiry_concluded"
    FIR_REGISTERED = "fir_registered"
    CWC_COURT_REPORTED = "cwc_court_reported"  # reported to the CWC and the Special Court
    PRESERVATION_REQUESTED = "preservation_requested"  # to the platform
    IP_LOGS_REQUESTED = "ip_logs_requested"  # to the operator or service provider
    DEVICE_SEIZED = "device_seized"
    ARREST = "arrest"
    PRODUCED = "produced"  # before a magistrate
    FIRST_REMAND = "first_remand"  # the magistrate first authorises detention
    CHARGESHEET_FILED = "chargesheet_filed"
    PROGRESS_INFORMED = "progress_informed"  # informant or victim told of the progress
    COGNIZANCE = "cognizance"  # the Special Court takes cognizance
    CHILD_EVIDENCE_RECORDED = "child_evidence_recorded"
    JUDGMENT = "judgment"


class ClockKind(StrEnum):
    """How binding a clock is."""

    STATUTORY = "statutory"  # the law sets the period
    DIRECTORY = "directory"  # the law sets it "as far as possible"
    REGULATORY = "regulatory"  # directions or licence conditions others must keep
    GUIDELINE = "guideline"  # practice, as configured; not a law


class Status(StrEnum):
    """Where a deadline stands."""

    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    MISSED = "missed"
    MET = "met"


@dataclass(frozen=True, slots=True)
class Clock:
    """A period that runs from an event, with its legal basis and what a miss means.

    `starts`: the first of these events present starts the clock. `met_by`: any of these events
    at or before the due instant meets it. `basis`: the rule for each law version it applies to
    (`applies`); a clock for only one version is absent from cases under the other.
    """

    name: str
    title: str
    period: str
    starts: tuple[EventKind, ...]
    met_by: tuple[EventKind, ...]
    basis: tuple[tuple[ActCode, str], ...]
    sources: tuple[Source, ...]
    kind: ClockKind
    when_missed: str
    warn_before: timedelta
    applies: frozenset[ActCode] = BOTH

    def basis_for(self, law_version: ActCode) -> str:
        """The rule under `law_version` (CrPC or BNSS)."""
        return dict(self.basis)[law_version]


def _same(text: str) -> tuple[tuple[ActCode, str], ...]:
    return ((ActCode.CRPC, text), (ActCode.BNSS, text))


SRC_BNSS_173 = Source(
    "BNSS 2023, s.173(1)(ii) (information by electronic communication taken on record on being "
    "signed within three days) and s.173(3) (preliminary enquiry within 14 days, offences "
    "punishable 3 to 7 years, with a DSP's permission)",
    "https://www.legalrepublic.in/everyday-law/bnss-preliminary-inquiry-173-3/",
    note="s.173(1)(ii) wording read from summaries (yoshilegalservices.com, legalrath.in), not "
    "the Gazette text",
)
SRC_POCSO_19 = Source(
    "POCSO Act 2012, s.19(6); In Re: Right to Privacy of Adolescents, SMW(C) 3 of 2023 (SC 2024), "
    "para 35, on implementing it",
    "https://constitutionofindia.in/?p=19804",
)
SRC_BNSS_58 = Source(
    "BNSS 2023, s.58",
    "https://apnilaw.com/bnss/section-58-bharatiya-nagarik-suraksha-sanhitabnss-person-arrested-not-to-be-detained-more-than-twenty-four-hours",
)
SRC_CRPC_57 = Source("CrPC 1973, s.57", "https://lawgist.in/code-of-criminal-procedure/57")
SRC_BNSS_187 = Source(
    "BNSS 2023, s.187(2) (15 days' police custody in whole or in parts during the initial 40 or "
    "60 days) and s.187(3) (90 days for offences punishable with death, life or ten years or "
    "more; 60 days otherwise)",
    "https://livelaw.in/top-stories/bnss-right-to-default-bail-under-bharatiya-nagarik-suraksha-sanhita-282457",
    note="s.187(2) read in summary (learnerz.in, The Leaflet); whether 'ten years or more' "
    "covers offences with a maximum of ten years is debated (Justice Pisharadi, LiveLaw, 30 Jan "
    "2025)",
)
SRC_CRPC_167 = Source(
    "CrPC 1973, s.167(2) proviso (a); Rakesh Kumar Paul v. State of Assam (SC, 16 Aug 2017): "
    "'not less than ten years' means a minimum of ten",
    "https://india.lexace.ai/in/case/sc/rakesh-kumar-paul-v-state-of-assam-2017-8-785-851",
)
SRC_KAPIL_WADHAWAN = Source(
    "Enforcement Directorate v. Kapil Wadhawan (SC, 3 judges, 27 Mar 2023): the day of remand "
    "counts; default bail if no charge sheet before the 61st or 91st day",
    "https://www.hindustantimes.com/cities/delhi-news/bail-by-default-if-charge-sheet-not-filed-on-time-stresses-sc-101679942817319.html",
)
SRC_KULKARNI = Source(
    "CBI v. Anupam J. Kulkarni (SC 1992): police custody only within the first 15 days; referred "
    "to a larger bench in V. Senthil Balaji (SC 2023)",
    "https://thelawadvice.com/news/senthil-balaji-case-supreme-court-questions-interpretation-of-custody-period",
    note="the outcome of the larger-bench reference was not found",
)
SRC_BNSS_193 = Source(
    "BNSS 2023, s.193(3)(ii)",
    "https://law.emunshi.ai/bnss/193",
)
SRC_POCSO_35 = Source(
    "POCSO Act 2012, s.35(1) and (2)",
    "https://www.apnilaw.com/bare-act/pocso/section-35-protection-of-children-from-sexual-offences-act-pocso-period-for-recording-of-evidence-of-child-and-disposal-of-case",
)
SRC_POCSO_35_BAIL = Source(
    "Hanumantha Mogaveera v. State of Karnataka, Crl. P. 3000 of 2020 (Karnataka HC): delay under "
    "s.35 is no ground for bail",
    "https://blog.primelegal.in/?p=16845",
    note="citation as reported by a legal blog; judgment text not read",
)
SRC_FRESHNESS = Source(
    "Suraksha freshness clocks (docs/priority.md): windows and their bases as configured",
    "docs/priority.md",
)

CLOCKS: Final[tuple[Clock, ...]] = (
    Clock(
        "efir_signature",
        "e-FIR to be signed by the informant",
        "3 days",
        (EventKind.EFIR_RECEIVED,),
        (EventKind.EFIR_SIGNED, EventKind.FIR_REGISTERED),
        (
            (
                ActCode.BNSS,
                "BNSS s.173(1)(ii): information by electronic communication is taken "
                "on record on being signed within three days by the person giving it",
            ),
        ),
        (SRC_BNSS_173,),
        ClockKind.STATUTORY,
        "the information is not on record as an FIR until signed: get the informant's "
        "signature, or record the information afresh",
        DAY,
        BNSS_ONLY,
    ),
    Clock(
        "preliminary_enquiry",
        "preliminary enquiry to be completed",
        "14 days",
        (EventKind.ENQUIRY_STARTED,),
        (EventKind.ENQUIRY_CONCLUDED, EventKind.FIR_REGISTERED),
        (
            (
                ActCode.BNSS,
                "BNSS s.173(3): for an offence punishable with 3 years or more but less "
                "than 7, a preliminary enquiry (with a DSP's permission) within 14 days",
            ),
        ),
        (SRC_BNSS_173,),
        ClockKind.STATUTORY,
        "the 14 days have run: decide now whether a prima facie case exists and register the FIR",
        3 * DAY,
        BNSS_ONLY,
    ),
    Clock(
        "cwc_special_court_report",
        "report to the Child Welfare Committee and the Special Court",
        "24 hours",
        (EventKind.INFORMATION_RECEIVED, EventKind.FIR_REGISTERED),
        (EventKind.CWC_COURT_REPORTED,),
        _same(
            "POCSO s.19(6): the SJPU or local police report the matter, with the child's need "
            "for care and protection, to the CWC and the Special Court within 24 hours"
        ),
        (SRC_POCSO_19,),
        ClockKind.STATUTORY,
        "report now and record why it was late; the Supreme Court has said s.19(6) must be "
        "scrupulously implemented (In Re: Right to Privacy of Adolescents, 2024)",
        timedelta(hours=6),
    ),
    Clock(
        "production",
        "production of the arrested person before a magistrate",
        "24 hours",
        (EventKind.ARREST,),
        (EventKind.PRODUCED, EventKind.FIRST_REMAND),
        (
            (
                ActCode.CRPC,
                "CrPC s.57: no detention beyond 24 hours, exclusive of the journey "
                "to the magistrate, without a magistrate's order under s.167",
            ),
            (
                ActCode.BNSS,
                "BNSS s.58: no detention beyond 24 hours, exclusive of the journey "
                "to the magistrate, without a magistrate's order under s.187",
            ),
        ),
        (SRC_BNSS_58, SRC_CRPC_57),
        ClockKind.STATUTORY,
        "detention beyond 24 hours without a magistrate's order is illegal: produce the person "
        "now (the journey time the law excludes is not counted here, so this alert is early)",
        timedelta(hours=6),
    ),
    Clock(
        "police_custody_window",
        "window for police custody (15 days in all)",
        "BNSS: 40 days (60 where the 90-day limit applies); CrPC: the first 15 days",
        (EventKind.FIRST_REMAND,),
        (EventKind.CHARGESHEET_FILED,),
        (
            (
                ActCode.CRPC,
                "CrPC s.167(2): police custody up to 15 days, within the first 15 "
                "days of remand (CBI v. Anupam J. Kulkarni, 1992; referred to a larger bench in "
                "V. Senthil Balaji, 2023)",
            ),
            (
                ActCode.BNSS,
                "BNSS s.187(2): police custody up to 15 days in the whole, in whole "
                "or in parts, at any time during the initial 40 days (60 where the detention limit "
                "is 90 days)",
            ),
        ),
        (SRC_BNSS_187, SRC_KULKARNI, SRC_KAPIL_WADHAWAN),
        ClockKind.STATUTORY,
        "the window has closed: police custody can no longer be authorised in this case",
        5 * DAY,
    ),
    Clock(
        "chargesheet_default_bail",
        "charge sheet before default bail",
        "60 or 90 days",
        (EventKind.FIRST_REMAND, EventKind.ARREST),
        (EventKind.CHARGESHEET_FILED,),
        (
            (
                ActCode.CRPC,
                "CrPC s.167(2) proviso (a): detention up to 90 days for an offence "
                "punishable with death, life or not less than ten years, 60 days otherwise; then "
                "bail if the accused furnishes it",
            ),
            (
                ActCode.BNSS,
                "BNSS s.187(3): detention up to 90 days for an offence punishable "
                "with death, life or ten years or more, 60 days otherwise; then bail if the "
                "accused furnishes it",
            ),
        ),
        (SRC_BNSS_187, SRC_CRPC_167, SRC_KAPIL_WADHAWAN),
        ClockKind.STATUTORY,
        "an accused still in custody is entitled to default bail on applying and furnishing "
        "bail: an indefeasible right once the period ends without a charge sheet",
        10 * DAY,
    ),
    Clock(
        "progress_update",
        "progress of the investigation told to the informant or victim",
        "90 days",
        (EventKind.FIR_REGISTERED,),
        (EventKind.PROGRESS_INFORMED, EventKind.CHARGESHEET_FILED),
        (
            (
                ActCode.BNSS,
                "BNSS s.193(3)(ii): within ninety days, inform the informant or the "
                "victim of the progress of the investigation, by any means including electronic",
            ),
        ),
        (SRC_BNSS_193,),
        ClockKind.STATUTORY,
        "inform the informant or victim now (electronic means are allowed) and record it",
        14 * DAY,
        BNSS_ONLY,
    ),
    Clock(
        "child_evidence",
        "evidence of the child to be recorded",
        "30 days",
        (EventKind.COGNIZANCE,),
        (EventKind.CHILD_EVIDENCE_RECORDED,),
        _same(
            "POCSO s.35(1): the child's evidence is recorded within 30 days of the Special Court "
            "taking cognizance; reasons for any delay are recorded by the court"
        ),
        (SRC_POCSO_35, SRC_POCSO_35_BAIL),
        ClockKind.STATUTORY,
        "the Special Court must record the reasons for the delay; the delay is not by itself a "
        "ground for bail",
        7 * DAY,
    ),
    Clock(
        "trial",
        "trial to be completed",
        "1 year",
        (EventKind.COGNIZANCE,),
        (EventKind.JUDGMENT,),
        _same(
            "POCSO s.35(2): the Special Court completes the trial, as far as possible, within "
            "one year of taking cognizance"
        ),
        (SRC_POCSO_35, SRC_POCSO_35_BAIL),
        ClockKind.DIRECTORY,
        "the Act sets no consequence ('as far as possible'): ask the prosecutor to seek "
        "priority listing",
        60 * DAY,
    ),
)
"""The statutory clocks of a case, in the order a case meets them."""

_FRESHNESS_STARTS: Final[Mapping[str, tuple[EventKind, ...]]] = {
    "platform_preservation": (EventKind.REPORT_RECEIVED,),
    "operator_ip_logs": (EventKind.IP_CAPTURE,),
    "cert_in_logs": (EventKind.IP_CAPTURE, EventKind.OFFENCE),
    "device_wipe": (EventKind.IP_CAPTURE, EventKind.OFFENCE),
}
"""Events each evidence clock runs from (all of them, as in intel.freshness)."""
_FRESHNESS_MET: Final[Mapping[str, EventKind]] = {
    "platform_preservation": EventKind.PRESERVATION_REQUESTED,
    "operator_ip_logs": EventKind.IP_LOGS_REQUESTED,
    "cert_in_logs": EventKind.IP_LOGS_REQUESTED,
    "device_wipe": EventKind.DEVICE_SEIZED,
}
_FRESHNESS_KIND: Final[Mapping[str, ClockKind]] = {
    "platform_preservation": ClockKind.STATUTORY,
    "operator_ip_logs": ClockKind.REGULATORY,
    "cert_in_logs": ClockKind.REGULATORY,
    "device_wipe": ClockKind.GUIDELINE,
}


@dataclass(frozen=True, slots=True)
class ChargesheetPeriod:
    """Days before default bail, and whether that is settled or awaits a prosecutor."""

    days: int
    settled: bool
    reason: str


def chargesheet_days(
    law_version: ActCode,
    offence_punishment_years: float | None,
    prosecutor_set_chargesheet_days: int | None = None,
) -> ChargesheetPeriod:
    """60 or 90 days, as the rule and the gravest offence's punishment give it.

    `offence_punishment_years` is the longest term the gravest offence carries (`math.inf` for
    death or life), or None where its text states no maximum (POCSO s.14(1) since 16 Aug 2019:
    "not less than five years"). Where the answer is not clear the alert is set at 60, the
    earlier date, until a prosecutor sets 60 or 90: an alert that comes early costs a reminder,
    one that comes late costs a default bail.
    """
    _check_version(law_version)
    if prosecutor_set_chargesheet_days is not None:
        if prosecutor_set_chargesheet_days not in (60, 90):
            raise ValueError("a prosecutor sets the charge-sheet period to 60 or 90 days")
        return ChargesheetPeriod(
            prosecutor_set_chargesheet_days,
            True,
            f"{prosecutor_set_chargesheet_days} days, as set by the prosecutor",
        )
    if offence_punishment_years is None:
        return ChargesheetPeriod(
            60,
            False,
            "the offence's text states no maximum term (e.g. POCSO s.14(1): 'not less than five "
            "years'): alerting at 60 days until a prosecutor sets 60 or 90",
        )
    if math.isinf(offence_punishment_years):
        return ChargesheetPeriod(90, True, "90 days: the offence is punishable with death or life")
    if offence_punishment_years < 10:
        return ChargesheetPeriod(
            60, True, f"60 days: the offence carries at most {offence_punishment_years:g} years"
        )
    rule = (
        "the CrPC's 'not less than ten years' needs a minimum of ten (Rakesh Kumar Paul, 2017)"
        if law_version == ActCode.CRPC
        else "whether BNSS s.187(3)'s 'ten years or more' covers a maximum of ten is debated"
    )
    return ChargesheetPeriod(
        60,
        False,
        f"the offence carries up to {offence_punishment_years:g} years and {rule}: alerting at "
        "60 days until a prosecutor sets 60 or 90",
    )


@dataclass(frozen=True, slots=True)
class Deadline:
    """One clock of a case: when it falls due, where it stands, and why."""

    clock: Clock
    starts_at: datetime  # UTC
    due: datetime  # UTC
    status: Status
    days_left: int  # whole days from now to due; negative once past
    explanation: str
    settled: bool = True  # False while the period awaits a prosecutor's decision

    @property
    def due_ist(self) -> datetime:
        """The due instant in India Standard Time, for display."""
        return self.due.astimezone(IST)


def deadlines_for(
    events: Mapping[EventKind, datetime],
    *,
    law_version: ActCode,
    offence_punishment_years: float | None,
    prosecutor_set_chargesheet_days: int | None = None,
    now: datetime,
    weights: PriorityWeights | None = None,
) -> list[Deadline]:
    """Every clock the case's events start, with its status on `now`, nearest due first.

    `events` hold timezone-aware instants (a naive one is refused: an hour's doubt matters to a
    24-hour clock). `law_version` is the procedure the investigation runs under (CRPC or BNSS,
    from `law.procedure_for`); clocks of the other code do not appear. The evidence clocks use
    `weights` (the packaged priority weights by default).
    """
    _check_version(law_version)
    at = {kind: _utc(moment, kind) for kind, moment in events.items()}
    now = _utc(now, "now")
    period = chargesheet_days(
        law_version, offence_punishment_years, prosecutor_set_chargesheet_days
    )
    found: list[Deadline] = []
    for clock in CLOCKS:
        if law_version not in clock.applies:
            continue
        start_kind = next((kind for kind in clock.starts if kind in at), None)
        if start_kind is None:
            continue
        start = at[start_kind]
        due, span, note, settled = _due(clock, start, start_kind, law_version, period)
        if (
            clock.name == "preliminary_enquiry"
            and offence_punishment_years is not None
            and not 3 <= offence_punishment_years < 7
        ):
            note += (
                "; s.173(3) allows a preliminary enquiry only for offences punishable with 3 "
                "years or more but less than 7"
            )
        found.append(
            _judge(clock, law_version, (start_kind, start), (due, span), at, now, note, settled)
        )
    found.extend(_evidence_deadlines(at, now, weights or default_weights()))
    return sorted(found, key=lambda d: (d.due, d.clock.name))


def _due(
    clock: Clock,
    start: datetime,
    start_kind: EventKind,
    law_version: ActCode,
    period: ChargesheetPeriod,
) -> tuple[datetime, str, str, bool]:
    """A statutory clock's due instant, its period in words, a note, and whether it is settled."""
    fixed = {
        "efir_signature": 3 * DAY,
        "preliminary_enquiry": 14 * DAY,
        "cwc_special_court_report": timedelta(hours=24),
        "production": timedelta(hours=24),
        "progress_update": 90 * DAY,
        "child_evidence": 30 * DAY,
    }
    if clock.name in fixed:
        return start + fixed[clock.name], clock.period, "", True
    if clock.name == "trial":
        return _add_year(start), clock.period, "", True
    if clock.name == "chargesheet_default_bail":
        note = period.reason
        if start_kind == EventKind.ARREST:
            note += "; counted from the arrest because no remand is recorded (earlier, so safe)"
        return _end_of_day(start, period.days), f"{period.days} days", note, period.settled
    if clock.name == "police_custody_window":
        if law_version == ActCode.CRPC:
            return _end_of_day(start, 15), "the first 15 days", "", True
        days = 60 if period.days == 90 else 40
        note = "" if period.settled else "40 until the charge-sheet period is set"
        return _end_of_day(start, days), f"the initial {days} days", note, period.settled
    raise AssertionError(f"clock {clock.name} has no period")  # every clock is exercised by tests


def _end_of_day(start: datetime, days: int) -> datetime:
    """Midnight IST ending day `days`, counting the start's own IST date as day 1."""
    first = start.astimezone(IST).date()
    return datetime.combine(first + timedelta(days=days), time(0, 0), IST).astimezone(UTC)


def _add_year(start: datetime) -> datetime:
    local = start.astimezone(IST)
    try:
        later = local.replace(year=local.year + 1)
    except ValueError:  # 29 February: the year ends on 28 February
        later = local.replace(year=local.year + 1, day=28)
    return later.astimezone(UTC)


def _judge(
    clock: Clock,
    law_version: ActCode,
    started: tuple[EventKind, datetime],
    due_in: tuple[datetime, str],
    at: Mapping[EventKind, datetime],
    now: datetime,
    note: str,
    settled: bool,
) -> Deadline:
    (start_kind, start), (due, span) = started, due_in
    met_at = min((at[kind] for kind in clock.met_by if kind in at), default=None)
    head = (
        f"{clock.title}: due {ist(due)} ({span} from {start_kind.value.replace('_', ' ')} "
        f"{ist(start)}"
    )
    head += f"; {note})" if note else ")"
    if met_at is not None and met_at <= due:
        status, tail = Status.MET, f"met {ist(met_at)}"
    elif met_at is not None:
        status, tail = Status.MISSED, f"met late, {ist(met_at)}: {clock.when_missed}"
    elif now > due:
        status, tail = Status.MISSED, f"missed: {clock.when_missed}"
    elif due - now <= clock.warn_before:
        status, tail = Status.DUE_SOON, "due soon"
    else:
        status, tail = Status.UPCOMING, "upcoming"
    explanation = f"{head}; {tail}. {clock.basis_for(law_version)}."
    return Deadline(clock, start, due, status, _days_left(due, now), explanation, settled)


def _evidence_deadlines(
    at: Mapping[EventKind, datetime], now: datetime, weights: PriorityWeights
) -> Iterable[Deadline]:
    """The freshness clocks of intel.freshness, read from the case's events."""
    for name in FRESHNESS_CLOCKS:
        starts = _FRESHNESS_STARTS[name]
        if name == "platform_preservation" and EventKind.REPORT_RECEIVED not in at:
            starts = (EventKind.OFFENCE,)  # as intel.freshness: the incident when no receipt
        kinds = [kind for kind in starts if kind in at]
        if not kinds:
            continue
        window = weights.clocks[name]
        # In IST, so that the dates intel.freshness writes are India's dates.
        marks = [Mark(kind.value, at[kind].astimezone(IST)) for kind in kinds]
        reading = read_clock(window, marks, now)
        if reading is None:
            continue
        ends = sorted(mark.at + timedelta(days=window.days) for mark in marks)
        due = (ends[-1] if reading.expired else min(e for e in ends if e >= now)).astimezone(UTC)
        start = due - timedelta(days=window.days)
        clock = Clock(
            name,
            name.replace("_", " "),
            f"{window.days} days",
            tuple(kinds),
            (_FRESHNESS_MET[name],),
            _same(f"evidence clock '{name}' as configured in the priority weights"),
            (SRC_FRESHNESS,),
            _FRESHNESS_KIND[name],
            "the evidence may be gone; ask anyway and record the answer",
            timedelta(days=window.urgent_days),
        )
        met_at = at.get(_FRESHNESS_MET[name])
        if met_at is not None and met_at <= due:
            status, tail = Status.MET, f"request made {ist(met_at)}"
        elif reading.expired:
            status, tail = Status.MISSED, "window closed"
        elif reading.days_left is not None and reading.days_left <= window.urgent_days:
            status, tail = Status.DUE_SOON, "due soon"
        else:
            status, tail = Status.UPCOMING, "upcoming"
        explanation = f"{describe(name, window, reading)}; due {ist(due)}; {tail}."
        yield Deadline(clock, start, due, status, _days_left(due, now), explanation)


def _days_left(due: datetime, now: datetime) -> int:
    return math.floor((due - now) / DAY)


def ist(moment: datetime) -> str:
    """An instant as an officer reads it: "06 Jul 2024 23:30 IST"."""
    return moment.astimezone(IST).strftime("%d %b %Y %H:%M IST")


def _utc(moment: datetime, what: object) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what}: give a timezone-aware time (IST or UTC), not a naive one")
    return moment.astimezone(UTC)


def _check_version(law_version: ActCode) -> None:
    if law_version not in LAW_VERSIONS:
        raise ValueError(f"law_version is CrPC or BNSS, not {law_version.value}")
