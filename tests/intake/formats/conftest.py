"""A complete synthetic ESP XML tip: every element NCMEC's schema allows, valid against the XSD.

Every name, number, address and hash is made up; the hashes are digests of the string "suraksha
synthetic file 3", not of any media. The vocabulary test proves the documents are valid and hold
every element of the schema; the expected-values tests of each `ncmec_xml_*` module read them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from suraksha.intake.formats.interface import TipDocument
from suraksha.intake.formats.ncmec_xml import NcmecXmlFormat
from suraksha.intake.records import ParsedTip
from suraksha.synthetic.tips import write_corpus

COMPLETE_NUMBER = "90412347"

COMPLETE_REPORT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<report>
  <batchedReport reason="VIRAL_POTENTIAL_MEME"/>
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <platform>ChatKaro Messenger</platform>
    <escalateToHighPriority>Adult arranged to meet a 13-year-old in Kochi.</escalateToHighPriority>
    <reportAnnotations>
      <sextortion>true</sextortion>
      <csamSolicitation>true</csamSolicitation>
      <minorToMinorInteraction>true</minorToMinorInteraction>
      <spam>true</spam>
      <sadisticOnlineExploitation>true</sadisticOnlineExploitation>
    </reportAnnotations>
    <incidentDateTime>2025-03-14T18:22:05+05:30</incidentDateTime>
    <incidentDateTimeDescription>Time of the last message.</incidentDateTimeDescription>
  </incidentSummary>
  <internetDetails>
    <webPageIncident thirdPartyHostedContent="true">
      <url>https://paste.example/raw/Kx81bQ</url>
      <url>https://chatkaro.example/share/9a3c6e1f0b</url>
      <additionalInfo>Link posted in a group chat.</additionalInfo>
    </webPageIncident>
  </internetDetails>
  <internetDetails>
    <emailIncident>
      <emailAddress type="Recovery" verified="true" verificationDate="2024-11-02T09:15:00Z">arjun.recovery@example.in</emailAddress>
      <content>Subject: photos</content>
      <additionalInfo>Sent to the recovery address.</additionalInfo>
    </emailIncident>
  </internetDetails>
  <internetDetails>
    <newsgroupIncident>
      <name>alt.synthetic.test</name>
      <emailAddress>poster@news.example</emailAddress>
      <content>Headers only.</content>
      <additionalInfo>Archived copy.</additionalInfo>
    </newsgroupIncident>
  </internetDetails>
  <internetDetails>
    <chatImIncident>
      <chatClient>ChatKaro</chatClient>
      <chatRoomName>kochi-friends-7781</chatRoomName>
      <content>Meet on Saturday?</content>
      <additionalInfo>Direct messages.</additionalInfo>
    </chatImIncident>
  </internetDetails>
  <internetDetails>
    <onlineGamingIncident>
      <gameName>Synthetic Arena</gameName>
      <console>Android</console>
      <content>Voice chat invitation.</content>
      <additionalInfo>In-game chat.</additionalInfo>
    </onlineGamingIncident>
  </internetDetails>
  <internetDetails>
    <cellPhoneIncident>
      <phoneNumber type="Mobile" countryCallingCode="+91">98470 55501</phoneNumber>
      <latitude>9.9312</latitude>
      <longitude>76.2673</longitude>
      <additionalInfo>Text messages.</additionalInfo>
    </cellPhoneIncident>
  </internetDetails>
  <internetDetails>
    <nonInternetIncident>
      <locationName>Vyttila bus stand</locationName>
      <incidentAddress type="Business">
        <address>Vyttila Mobility Hub</address>
        <city>Kochi</city>
        <zipCode>682019</zipCode>
        <nonUsaState>Kerala</nonUsaState>
        <country>IN</country>
      </incidentAddress>
      <additionalInfo>Planned meeting place.</additionalInfo>
    </nonInternetIncident>
  </internetDetails>
  <internetDetails>
    <peer2peerIncident>
      <client>SyntheticTorrent 2.1</client>
      <ipCaptureEvent>
        <ipAddress>117.204.18.90</ipAddress>
        <eventName>Other</eventName>
        <dateTime>2025-03-13T21:10:00Z</dateTime>
        <possibleProxy>false</possibleProxy>
        <port>6881</port>
      </ipCaptureEvent>
      <fileNames>holiday_01.jpg, holiday_02.jpg</fileNames>
      <additionalInfo>Seen sharing on a P2P network.</additionalInfo>
    </peer2peerIncident>
  </internetDetails>
  <lawEnforcement>
    <agencyName>Kerala Police Cyberdome</agencyName>
    <caseNumber>CD-2025-0412</caseNumber>
    <officerContact>
      <firstName>Anitha</firstName>
      <lastName>Pillai</lastName>
      <phone type="Work" countryCallingCode="+91">471 272 1547</phone>
      <email type="Work">cyberdome.officer@police.example</email>
      <address type="Business">
        <address>Technopark Phase III</address>
        <city>Thiruvananthapuram</city>
        <zipCode>695583</zipCode>
        <nonUsaState>Kerala</nonUsaState>
        <country>IN</country>
      </address>
    </officerContact>
    <reportedToLe>true</reportedToLe>
    <servedLegalProcessDomestic>false</servedLegalProcessDomestic>
    <servedLegalProcessInternational fleaCountry="IN">true</servedLegalProcessInternational>
  </lawEnforcement>
  <reporter>
    <reportingPerson>
      <firstName>Trust</firstName>
      <lastName>Safety</lastName>
      <phone type="Business" countryCallingCode="+91" extension="204">80 4000 1234</phone>
      <email type="Business" verified="true">safety-desk@chatkaro.example</email>
    </reportingPerson>
    <contactPerson>
      <firstName>Law Enforcement Response</firstName>
      <lastName>ChatKaro</lastName>
      <phone type="Business">+1 650 555 0100</phone>
      <email type="Work">lers@chatkaro.example</email>
      <address type="Business">
        <address>1 Synthetic Way</address>
        <city>Menlo Park</city>
        <zipCode>94025</zipCode>
        <state>CA</state>
        <country>US</country>
      </address>
    </contactPerson>
    <companyTemplate>ChatKaro reports content that breaks its child safety policy.</companyTemplate>
    <termsOfService>https://chatkaro.example/terms</termsOfService>
    <legalURL>https://chatkaro.example/legal/law-enforcement</legalURL>
  </reporter>
  <personOrUserReported>
    <personOrUserReportedPerson>
      <firstName>Arjun</firstName>
      <lastName>Menon</lastName>
      <phone type="Mobile" verified="true" verificationDate="2024-06-01T10:00:00+05:30" countryCallingCode="+91">98470 12345</phone>
      <email type="Home" verified="false">arjun.menon84@example.in</email>
      <address type="Home">
        <address>14/302 Pattom Palace Road</address>
        <city>Thiruvananthapuram</city>
        <zipCode>695004</zipCode>
        <nonUsaState>Kerala</nonUsaState>
        <country>IN</country>
      </address>
      <age>34</age>
      <dateOfBirth>1990-07-21</dateOfBirth>
    </personOrUserReportedPerson>
    <vehicleDescription>White scooter, KL-07 registration.</vehicleDescription>
    <espIdentifier>100045678901</espIdentifier>
    <espService>ChatKaro</espService>
    <compromisedAccount>false</compromisedAccount>
    <screenName>arjun_m_84</screenName>
    <displayName>Arjun M</displayName>
    <profileUrl>https://chatkaro.example/u/arjun_m_84</profileUrl>
    <profileBio>Photographer. Kochi.</profileBio>
    <ipCaptureEvent>
      <ipAddress>117.204.18.77</ipAddress>
      <eventName>Login</eventName>
      <dateTime>2025-03-14T18:01:44+05:30</dateTime>
      <possibleProxy>false</possibleProxy>
      <port>50123</port>
    </ipCaptureEvent>
    <deviceId>
      <idType>IMEI</idType>
      <idValue>356938035643809</idValue>
      <eventName>Login</eventName>
      <dateTime>2025-03-14T18:01:44+05:30</dateTime>
    </deviceId>
    <thirdPartyUserReported>false</thirdPartyUserReported>
    <priorCTReports>88012345</priorCTReports>
    <groupIdentifier>grp-7781</groupIdentifier>
    <accountTemporarilyDisabled disabledDate="2025-03-14T19:00:00Z" userNotified="false" reenabledDate="2025-03-20T09:00:00Z">true</accountTemporarilyDisabled>
    <accountPermanentlyDisabled disabledDate="2025-03-21T09:00:00Z" userNotified="true" userNotifiedDate="2025-03-21T09:05:00Z">true</accountPermanentlyDisabled>
    <estimatedLocation verified="false" timestamp="2025-03-14T12:31:44Z">
      <city>Kochi</city>
      <region>KL</region>
      <countryCode>IN</countryCode>
    </estimatedLocation>
    <allEmailsReported>true</allEmailsReported>
    <associatedAccount type="Linked">
      <platform thirdPartyUser="false">ChatKaro Lite</platform>
      <firstName>Arjun</firstName>
      <middleName>K</middleName>
      <lastName>Menon</lastName>
      <approximateAge>34</approximateAge>
      <dateOfBirth>1990-07-21</dateOfBirth>
      <phone type="Mobile" countryCallingCode="+91">98470 12346</phone>
      <email verified="true">arjun.alt@example.in</email>
      <allEmailsReported>false</allEmailsReported>
      <address type="Home">
        <city>Ernakulam</city>
        <nonUsaState>Kerala</nonUsaState>
        <country>IN</country>
      </address>
      <espService>ChatKaro</espService>
      <espIdentifier>100045678999</espIdentifier>
      <profileUrl>https://chatkaro.example/u/arjun_alt</profileUrl>
      <screenName>arjun_alt</screenName>
      <displayName>AK</displayName>
      <profileBio>Second account.</profileBio>
      <groupIdentifier>grp-7781</groupIdentifier>
      <compromisedAccount>false</compromisedAccount>
      <accountTemporarilyDisabled>false</accountTemporarilyDisabled>
      <accountPermanentlyDisabled disabledDate="2025-03-21T09:00:00Z">true</accountPermanentlyDisabled>
      <ipCaptureEvent>
        <ipAddress>117.204.18.81</ipAddress>
        <eventName>Registration</eventName>
        <dateTime>2025-01-05T08:00:00Z</dateTime>
        <port>40111</port>
      </ipCaptureEvent>
      <deviceId>
        <idType>Android ID</idType>
        <idValue>3f1a9c0d7b2e4f61</idValue>
      </deviceId>
      <priorCTReport>88012346</priorCTReport>
      <additionalInfo>Same recovery phone as the reported account.</additionalInfo>
    </associatedAccount>
    <additionalInfo>Account disabled after review.</additionalInfo>
  </personOrUserReported>
  <intendedRecipient>
    <intendedRecipientPerson>
      <age>13</age>
    </intendedRecipientPerson>
    <espIdentifier>100099887766</espIdentifier>
    <espService>ChatKaro</espService>
    <compromisedAccount>false</compromisedAccount>
    <screenName>pinky_star_11</screenName>
    <allEmailsReported>false</allEmailsReported>
    <additionalInfo>The recipient told a parent.</additionalInfo>
    <additionalInfo>The parent contacted the platform.</additionalInfo>
  </intendedRecipient>
  <victim>
    <victimPerson>
      <firstName>Meera</firstName>
      <age>13</age>
    </victimPerson>
    <espIdentifier>100099887766</espIdentifier>
    <espService>ChatKaro</espService>
    <schoolName>Synthetic Public School</schoolName>
    <associatedAccount type="Parent/Guardian">
      <firstName>Lakshmi</firstName>
      <email>lakshmi.parent@example.in</email>
    </associatedAccount>
  </victim>
  <additionalInfo>Prepared from a user complaint.</additionalInfo>
</report>
"""

COMPLETE_FILE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<fileDetails>
  <reportId>{COMPLETE_NUMBER}</reportId>
  <fileId>5773369b8f</fileId>
  <fileName>5773369b8f.jpg</fileName>
  <originalFileName>IMG_20250314_181955.jpg</originalFileName>
  <uploadedToEspTimestamp>2025-03-14T12:50:01Z</uploadedToEspTimestamp>
  <locationOfFile>https://cdn.chatkaro.example/m/5773369b8f</locationOfFile>
  <fileViewedByEsp>true</fileViewedByEsp>
  <exifViewedByEsp>true</exifViewedByEsp>
  <publiclyAvailable>false</publiclyAvailable>
  <fileRelevance>Reported</fileRelevance>
  <fileAnnotations>
    <viral>true</viral>
    <possibleSelfProduction>true</possibleSelfProduction>
    <generativeAi>true</generativeAi>
  </fileAnnotations>
  <industryClassification>B2</industryClassification>
  <originalFileHash hashType="MD5">5773369B8F9925B4E82B1EAF514B88D2</originalFileHash>
  <originalFileHash hashType="SHA1">31eff4e33b7155a7e0a3dc4df16001de15dde23a</originalFileHash>
  <originalFileHash hashType="SHA256">b7a6072a01cb70dac64e2abfdda1d6da69de5e7f3257cfb49399324b16c40371</originalFileHash>
  <originalFileHash hashType="PhotoDNA">U3VyYWtzaGEgc3ludGhldGljIFBob3RvRE5B</originalFileHash>
  <ipCaptureEvent>
    <ipAddress>117.204.18.77</ipAddress>
    <eventName>Upload</eventName>
    <dateTime>2025-03-14T12:50:01Z</dateTime>
    <port>50188</port>
  </ipCaptureEvent>
  <deviceId>
    <idType>IMEI</idType>
    <idValue>356938035643809</idValue>
    <eventName>Upload</eventName>
    <dateTime>2025-03-14T12:50:01Z</dateTime>
  </deviceId>
  <details type="EXIF">
    <nameValuePair><name>Make</name><value>Synthetic</value></nameValuePair>
    <nameValuePair><name>DateTimeOriginal</name><value>2025:03:14 18:19:55</value></nameValuePair>
  </details>
  <details type="HASH">
    <nameValuePair><name>CRC32</name><value>1c291ca3</value></nameValuePair>
  </details>
  <additionalInfo>Sent in a direct message.</additionalInfo>
  <additionalInfo>Deleted by the sender after ten minutes.</additionalInfo>
</fileDetails>
"""

# The schema makes `potentialMeme` and `fileAnnotations` a choice, so the older flag needs its own
# document to appear at all.
MEME_FILE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<fileDetails>
  <reportId>{COMPLETE_NUMBER}</reportId>
  <fileId>1a263ded2e</fileId>
  <fileRelevance>Supplemental Reported</fileRelevance>
  <potentialMeme>true</potentialMeme>
  <originalFileHash hashType="MD5">1a263ded2e8167330334f01a574b9751</originalFileHash>
</fileDetails>
"""

EspParser = Callable[..., ParsedTip]


def parse_esp_xml(
    report: str | bytes, files: dict[str, str | bytes] | None = None, number: str = COMPLETE_NUMBER
) -> ParsedTip:
    """Parse in-memory parts as the ESP XML format would after loading the folder `number`."""
    parts = [("report.xml", report.encode() if isinstance(report, str) else report)]
    for name, text in (files or {}).items():
        parts.append((f"files/{name}", text.encode() if isinstance(text, str) else text))
    document = TipDocument(origin=Path("/evidence") / number, parts=tuple(parts))
    return NcmecXmlFormat().parse(document)


@pytest.fixture
def complete_documents() -> tuple[str, dict[str, str]]:
    """The complete report.xml and its two file documents (by file name under files/)."""
    return COMPLETE_REPORT_XML, {"f1.xml": COMPLETE_FILE_XML, "f2.xml": MEME_FILE_XML}


@pytest.fixture
def complete_tip() -> ParsedTip:
    """The complete sample, parsed."""
    return parse_esp_xml(
        COMPLETE_REPORT_XML, {"f1.xml": COMPLETE_FILE_XML, "f2.xml": MEME_FILE_XML}
    )


@pytest.fixture
def esp_parser() -> EspParser:
    """`parse_esp_xml`: parse report and file texts as one ESP XML unit (default: the sample's)."""
    return parse_esp_xml


@pytest.fixture(scope="session")
def synthetic_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic corpus (both tip formats), written once per test session."""
    out = tmp_path_factory.mktemp("corpus") / "tips"
    write_corpus(out, persons=40, seed=5)
    return out
