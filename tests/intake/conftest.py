"""Synthetic CyberTipline units for the intake tests; every name, number, address and hash is made up.

The hashes are digests of the strings "suraksha synthetic file 1" and "... 2", not of any media.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

XML_REPORT_NUMBER = "90412345"
JSON_REPORT_NUMBER = "90412346"
HANDOFF_REPORT_NUMBER = "90412349"

REPORT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <platform>ChatKaro Messenger</platform>
    <escalateToHighPriority>Adult asked a 13-year-old to meet in Kochi.</escalateToHighPriority>
    <reportAnnotations>
      <sextortion/>
      <minorToMinorInteraction>false</minorToMinorInteraction>
      <csamSolicitation>true</csamSolicitation>
    </reportAnnotations>
    <incidentDateTime>2025-03-14T18:22:05+05:30</incidentDateTime>
    <incidentDateTimeDescription>Time of the last message.</incidentDateTimeDescription>
  </incidentSummary>
  <internetDetails>
    <chatImIncident><chatClient>ChatKaro</chatClient></chatImIncident>
  </internetDetails>
  <reporter>
    <reportingPerson>
      <firstName>Trust</firstName>
      <lastName>Safety</lastName>
      <phone countryCallingCode="+91">80 4000 1234</phone>
      <email>safety-desk@chatkaro.example</email>
    </reportingPerson>
  </reporter>
  <personOrUserReported>
    <personOrUserReportedPerson>
      <firstName>Arjun</firstName>
      <lastName>Menon</lastName>
      <phone type="Mobile" verified="true" countryCallingCode="+91">98470 12345</phone>
      <email type="Home" verified="false">arjun.menon84@example.in</email>
      <email>a.menon@example.com</email>
      <address type="Home">
        <address>14/302 Pattom Palace Road</address>
        <city>Thiruvananthapuram</city>
        <zipCode>695004</zipCode>
        <state></state>
        <nonUsaState>Kerala</nonUsaState>
        <country>IN</country>
      </address>
      <age>34</age>
      <dateOfBirth>1990-07-21</dateOfBirth>
    </personOrUserReportedPerson>
    <espIdentifier>100045678901</espIdentifier>
    <espService>ChatKaro</espService>
    <screenName>arjun_m_84</screenName>
    <displayName>Arjun M</displayName>
    <profileUrl>https://chatkaro.example/u/arjun_m_84</profileUrl>
    <ipCaptureEvent>
      <ipAddress>117.204.18.77</ipAddress>
      <eventName>Login</eventName>
      <dateTime>2025-03-14T18:01:44+05:30</dateTime>
      <possibleProxy>false</possibleProxy>
      <port>50123</port>
    </ipCaptureEvent>
    <ipCaptureEvent>
      <ipAddress>2401:4900:1c3a:8e2f::1</ipAddress>
      <eventName>Upload</eventName>
      <dateTime>2025-03-14T18:20:10</dateTime>
    </ipCaptureEvent>
    <deviceId>
      <idType>IMEI</idType>
      <idValue>356938035643809</idValue>
      <eventName>Login</eventName>
    </deviceId>
    <priorCTReports>88012345</priorCTReports>
    <groupIdentifier>grp-7781</groupIdentifier>
    <estimatedLocation verified="false">
      <city>Kochi</city>
      <region>KL</region>
      <countryCode>IN</countryCode>
    </estimatedLocation>
    <additionalInfo>Account disabled after review.</additionalInfo>
  </personOrUserReported>
  <intendedRecipient>
    <intendedRecipientPerson>
      <age>13</age>
    </intendedRecipientPerson>
    <espIdentifier>100099887766</espIdentifier>
    <espService>ChatKaro</espService>
    <screenName>pinky_star_11</screenName>
  </intendedRecipient>
  <victim>
    <victimPerson>
      <firstName>Meera</firstName>
      <age>13</age>
    </victimPerson>
    <schoolName>Synthetic Public School</schoolName>
  </victim>
</report>
"""

FILE_1_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<fileDetails>
  <reportId>{XML_REPORT_NUMBER}</reportId>
  <fileId>9a3c6e1f0b</fileId>
  <fileName>9a3c6e1f0b.jpg</fileName>
  <originalFileName>IMG_20250314_181955.jpg</originalFileName>
  <uploadedToEspTimestamp>2025-03-14T12:50:01Z</uploadedToEspTimestamp>
  <locationOfFile>https://cdn.chatkaro.example/m/9a3c6e1f0b</locationOfFile>
  <fileViewedByEsp>true</fileViewedByEsp>
  <exifViewedByEsp>false</exifViewedByEsp>
  <publiclyAvailable>false</publiclyAvailable>
  <fileRelevance>Reported</fileRelevance>
  <fileAnnotations>
    <possibleSelfProduction/>
    <generativeAi>true</generativeAi>
  </fileAnnotations>
  <industryClassification>B2</industryClassification>
  <originalFileHash hashType="MD5">0B9C8FAFE76761779CAFA0E706952F84</originalFileHash>
  <originalFileHash hashType="SHA1">07995DCE7541DE6CB32E282952FB8FD291F4D347</originalFileHash>
  <originalFileHash hashType="PDQ">F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22</originalFileHash>
  <ipCaptureEvent>
    <ipAddress>117.204.18.77</ipAddress>
    <eventName>Upload</eventName>
    <dateTime>2025-03-14T12:50:01Z</dateTime>
    <port>50188</port>
  </ipCaptureEvent>
  <details type="EXIF">
    <nameValuePair><name>Make</name><value>Synthetic</value></nameValuePair>
  </details>
  <additionalInfo>Sent in a direct message.</additionalInfo>
</fileDetails>
"""

FILE_2_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<fileDetails>
  <reportId>{XML_REPORT_NUMBER}</reportId>
  <fileId>c71d02aa5e</fileId>
  <fileName>c71d02aa5e.mp4</fileName>
  <potentialMeme>true</potentialMeme>
  <industryClassification>A2</industryClassification>
  <originalFileHash hashType="SHA256">CA046C1D534EACBC355C9D642D662316609E576BF5ABC8BF0026948C12364EEC</originalFileHash>
  <originalFileHash hashType="MD5">DB2D2806A75DEBE6F439FFF2B26B7221</originalFileHash>
</fileDetails>
"""

MINIMAL_REPORT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary>
    <incidentType>Child Sexual Molestation</incidentType>
    <incidentDateTime>2025-01-02T03:04:05Z</incidentDateTime>
  </incidentSummary>
  <reporter><reportingPerson><email>desk@platform.example</email></reportingPerson></reporter>
  <personOrUserReported>
    <espIdentifier>42</espIdentifier>
    <espService>Platform</espService>
  </personOrUserReported>
</report>
"""

REPORT_JSON: dict[str, object] = {
    "reportId": int(JSON_REPORT_NUMBER),
    "dateReceived": "2025-03-15T04:10:00Z",
    "reportedInformation": {
        "reportingEsp": {"espName": "ChatKaro Technologies Pvt Ltd"},
        "incidentSummary": {
            "incidentType": "Online Enticement of Children for Sexual Acts",
            "incidentDateTime": "2025-03-14T18:22:05+05:30",
        },
        "additionalInformations": [{"value": "Escalated by the platform."}],
        "incidentDetails": None,
        "reportedPeople": {
            "reportedPersons": [
                {
                    "firstName": "Arjun",
                    "middleName": "K",
                    "lastName": "Menon",
                    "dateOfBirth": "1990-07-21",
                    "approximateAge": 34,
                    "espService": "ChatKaro",
                    "espUserId": 100045678901,
                    "screenName": {"value": "arjun_m_84"},
                    "emails": {
                        "emails": [
                            {"value": "arjun.menon84@example.in", "verified": True},
                            {"value": "a.menon@example.com", "verified": None},
                        ]
                    },
                    "phones": {"phones": [{"value": "+91 98470 12345", "verified": False}]},
                    "addresses": {
                        "addresses": [
                            {
                                "street1": "14/302 Pattom Palace Road",
                                "street2": "Near Kesavadasapuram",
                                "city": "Thiruvananthapuram",
                                "state": "Kerala",
                                "postalCode": "695004",
                                "country": "IN",
                            }
                        ]
                    },
                    "sourceInformation": {
                        "sourceCaptures": [
                            {
                                "captureType": "IP Address",
                                "value": "117.204.18.77",
                                "dateTime": "2025-03-14T12:31:44Z",
                                "port": 50123,
                                "eventName": "Login",
                            },
                            {
                                "captureType": "Profile URL",
                                "value": "https://chatkaro.example/u/arjun_m_84",
                            },
                            {
                                "captureType": "IP Address",
                                "value": "2401:4900:1c3a:8e2f::1",
                                "dateTime": "2025-03-14 18:20:10",
                                "eventName": "Upload",
                            },
                        ]
                    },
                    "additionalInformations": None,
                }
            ]
        },
        "intendedRecipients": {
            "intendedRecipients": [
                {
                    "espService": "ChatKaro",
                    "espUserId": "100099887766",
                    "screenName": {"value": "pinky_star_11"},
                    "approximateAge": "13",
                }
            ]
        },
        "uploadedFiles": {
            "uploadedFiles": [
                {
                    "filename": "9a3c6e1f0b.jpg",
                    "originalFilename": "IMG_20250314_181955.jpg",
                    "verificationHash": "0B9C8FAFE76761779CAFA0E706952F84",
                    "viewedByEsp": True,
                    "industryClassification": "B2",
                    "sourceInformation": {
                        "sourceCaptures": [
                            {
                                "captureType": "IP Address",
                                "value": "117.204.18.77",
                                "dateTime": "2025-03-14T12:50:01Z",
                                "port": "50188",
                                "eventName": "Upload",
                            }
                        ]
                    },
                    "espMetadata": {
                        "metadatas": [{"name": "uploadSurface", "value": "direct message"}]
                    },
                    "ncmecTags": {
                        "groups": [
                            {"tags": [{"value": "Possible Self-Production"}]},
                            {"tags": [{"value": "Generative AI"}]},
                        ]
                    },
                    "additionalInformations": [],
                }
            ]
        },
    },
}

UnitBuilder = Callable[[Path], Path]


def write_xml_unit(where: Path, files: dict[str, str] | None = None) -> Path:
    """Lay out a full ESP XML unit (report.xml + two file documents) under `where`."""
    unit = where / XML_REPORT_NUMBER
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(REPORT_XML, encoding="utf-8")
    chosen = {"f1.xml": FILE_1_XML, "f2.xml": FILE_2_XML} if files is None else files
    for name, text in chosen.items():
        (unit / "files" / name).write_text(text, encoding="utf-8")
    return unit


def write_json_unit(where: Path) -> Path:
    """Write the full law-enforcement JSON report as `<report number>.json` under `where`."""
    path = where / f"{JSON_REPORT_NUMBER}.json"
    path.write_text(json.dumps(REPORT_JSON, indent=2), encoding="utf-8")
    return path


HANDOFF_MAPPING_TOML = """\
files = ["tips.csv"]

[columns]
report_id = "Acknowledgement No"
email = "Email ID"
phone = "Mobile No"
state = "State"
district = "District"
ip_address = "IP Address"
ip_time = "IP Date Time"

[pdf]
folder = "pdfs"
"""


def write_handoff_unit(where: Path) -> Path:
    """Lay out a one-row NCRB hand-off unit (mapping, CSV sheet, synthetic PDF) under `where`."""
    unit = where / "handoff"
    (unit / "pdfs").mkdir(parents=True)
    (unit / "suraksha-mapping.toml").write_text(HANDOFF_MAPPING_TOML, encoding="utf-8")
    (unit / "tips.csv").write_text(
        "Acknowledgement No,Email ID,Mobile No,State,District,IP Address,IP Date Time\n"
        f"{HANDOFF_REPORT_NUMBER},ravi.k@example.in,+91 98470 22222,Kerala,Ernakulam,"
        "117.204.18.90,14-03-2025 18:01:44\n",
        encoding="utf-8",
    )
    (unit / "pdfs" / f"{HANDOFF_REPORT_NUMBER}.pdf").write_bytes(b"%PDF-1.4 synthetic")
    return unit


# One sample unit per registered format; the contract suite fails (never skips) for a format that
# has none here.
SAMPLE_UNITS: dict[str, UnitBuilder] = {
    "ncmec_xml": write_xml_unit,
    "cybertip_json": write_json_unit,
    "handoff_sheet": write_handoff_unit,
}


@pytest.fixture
def report_xml() -> str:
    """The full synthetic report.xml text."""
    return REPORT_XML


@pytest.fixture
def file_xml() -> tuple[str, str]:
    """The two synthetic fileDetails documents."""
    return FILE_1_XML, FILE_2_XML


@pytest.fixture
def minimal_report_xml() -> str:
    """A report.xml with only what the schema requires and one reported account."""
    return MINIMAL_REPORT_XML


@pytest.fixture
def report_json() -> dict[str, object]:
    """A fresh deep copy of the full synthetic JSON report, safe to mutate."""
    copied: dict[str, object] = json.loads(json.dumps(REPORT_JSON))
    return copied


@pytest.fixture
def xml_unit(tmp_path: Path) -> Path:
    """A full ESP XML unit on disk."""
    return write_xml_unit(tmp_path)


@pytest.fixture
def json_unit(tmp_path: Path) -> Path:
    """The full JSON report on disk."""
    return write_json_unit(tmp_path)


@pytest.fixture
def sample_units() -> dict[str, UnitBuilder]:
    """Builders of one sample unit per format name."""
    return SAMPLE_UNITS
