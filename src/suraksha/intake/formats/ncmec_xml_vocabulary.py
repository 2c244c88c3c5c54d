"""The elements NCMEC's CyberTipline schema allows where the ESP XML format reads, and its fixed values.

`VOCABULARY` names, for every element (or shared schema type) the format descends into, the children
`schemas/cyber_tipline.xsd` allows there. Every one of them is read into the records; a child outside
this table is newer than our copy of the schema (or misspelt) and is kept verbatim with a warning.
The vocabulary test checks the table against the XSD in both directions and checks that every complex
element reachable from `<report>` and `<fileDetails>` has its context here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The children every account-shaped block shares (personOrUserReported, intendedRecipient, victim).
_ACCOUNT = (
    "espIdentifier espService compromisedAccount screenName displayName profileUrl profileBio "
    "ipCaptureEvent deviceId priorCTReports accountTemporarilyDisabled accountPermanentlyDisabled "
    "estimatedLocation allEmailsReported additionalInfo"
)

# Context (the parent element, or the schema type several parents share) → the children it allows.
VOCABULARY: Final[Mapping[str, frozenset[str]]] = {
    "report": _names(
        "batchedReport incidentSummary internetDetails lawEnforcement reporter "
        "personOrUserReported intendedRecipient victim additionalInfo"
    ),
    "incidentSummary": _names(
        "incidentType platform escalateToHighPriority reportAnnotations incidentDateTime "
        "incidentDateTimeDescription"
    ),
    "reportAnnotations": _names(
        "sextortion csamSolicitation minorToMinorInteraction spam sadisticOnlineExploitation"
    ),
    "internetDetails": _names(
        "webPageIncident emailIncident newsgroupIncident chatImIncident onlineGamingIncident "
        "cellPhoneIncident nonInternetIncident peer2peerIncident"
    ),
    "webPageIncident": _names("url additionalInfo"),
    "emailIncident": _names("emailAddress content additionalInfo"),
    "newsgroupIncident": _names("name emailAddress content additionalInfo"),
    "chatImIncident": _names("chatClient chatRoomName content additionalInfo"),
    "onlineGamingIncident": _names("gameName console content additionalInfo"),
    "cellPhoneIncident": _names("phoneNumber latitude longitude additionalInfo"),
    "nonInternetIncident": _names("locationName incidentAddress additionalInfo"),
    "peer2peerIncident": _names("client ipCaptureEvent fileNames additionalInfo"),
    "lawEnforcement": _names(
        "agencyName caseNumber officerContact reportedToLe servedLegalProcessDomestic "
        "servedLegalProcessInternational"
    ),
    "reporter": _names("reportingPerson contactPerson companyTemplate termsOfService legalURL"),
    "personOrUserReported": _names(
        f"{_ACCOUNT} personOrUserReportedPerson vehicleDescription thirdPartyUserReported "
        "groupIdentifier associatedAccount"
    ),
    "intendedRecipient": _names(f"{_ACCOUNT} intendedRecipientPerson groupIdentifier"),
    "victim": _names(f"{_ACCOUNT} victimPerson schoolName associatedAccount"),
    "associatedAccount": _names(
        "platform firstName middleName lastName approximateAge dateOfBirth phone email "
        "allEmailsReported address espService espIdentifier profileUrl screenName displayName "
        "profileBio groupIdentifier compromisedAccount accountTemporarilyDisabled "
        "accountPermanentlyDisabled ipCaptureEvent deviceId priorCTReport additionalInfo"
    ),
    "person": _names("firstName lastName phone email address age dateOfBirth"),
    "contactPerson": _names("firstName lastName phone email address"),
    "address": _names("address city zipCode state nonUsaState country"),
    "ipCaptureEvent": _names("ipAddress eventName dateTime possibleProxy port"),
    "deviceId": _names("idType idValue eventName dateTime"),
    "estimatedLocation": _names("city region countryCode"),
    "fileDetails": _names(
        "reportId fileId fileName originalFileName uploadedToEspTimestamp locationOfFile "
        "fileViewedByEsp exifViewedByEsp publiclyAvailable fileRelevance potentialMeme "
        "fileAnnotations industryClassification originalFileHash ipCaptureEvent deviceId details "
        "additionalInfo"
    ),
    "fileAnnotations": _names(
        "animeDrawingVirtualHentai potentialMeme viral possibleSelfProduction physicalHarm "
        "violenceGore bestiality liveStreaming infant generativeAi"
    ),
    "details": _names("nameValuePair"),
    "nameValue": _names("name value"),
}

# The eight values the schema enumerates; another value is kept as given, with a warning.
INCIDENT_TYPES: Final = frozenset(
    {
        "Child Pornography (possession, manufacture, and distribution)",
        "Child Sex Trafficking",
        "Child Sex Tourism",
        "Child Sexual Molestation",
        "Misleading Domain Name",
        "Misleading Words or Digital Images on the Internet",
        "Online Enticement of Children for Sexual Acts",
        "Unsolicited Obscene Material Sent to a Child",
    }
)

# Elements the schema lets repeat somewhere always carry a position in their path, so a locator does
# not change shape between a report with one e-mail and a report with two.
REPEATABLE: Final = _names(
    "personOrUserReported intendedRecipient victim internetDetails phone email address "
    "displayName profileUrl ipCaptureEvent deviceId priorCTReports priorCTReport "
    "associatedAccount originalFileHash details nameValuePair url emailAddress incidentAddress "
    "additionalInfo"
)
