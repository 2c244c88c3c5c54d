"""The workspace's files for documents: the carrier pools both channels read, the folder the web
application writes PDFs into, and the checked read of a PDF back for download.

    $SURAKSHA_HOME/carrier-pools.toml           the operators' CGNAT pools (identity.ips), read by
                                                `documents make` (unless --carrier-pools names
                                                another file) and by the web form alike
    $SURAKSHA_HOME/documents/<case id>/         where the web form writes each PDF (and a
                                                certificate's hash lists); the command line
                                                writes into its --out folder instead

A PDF is served only when its bytes still have the SHA-256 the register recorded when it was
made: a copy changed on disk afterwards is refused with the reason, never sent as the document
that left the unit. Each download is audited (`document.download`), as every other read of a case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from suraksha.cases.documents.models import CaseDocument
from suraksha.cases.documents.render import DocumentView, document_view
from suraksha.cases.workflow import load_case
from suraksha.errors import UserInputError
from suraksha.identity.ips import NO_POOLS, CarrierPools
from suraksha.intel.worklist import CARRIER_POOLS_FILE
from suraksha.security.audit import Who, record
from suraksha.security.policy import Permission

DOCUMENTS_FOLDER: Final = "documents"
"""The workspace folder, one subfolder per case, the web application writes documents into."""

__all__ = [
    "CARRIER_POOLS_FILE",
    "DOCUMENTS_FOLDER",
    "StoredPdf",
    "carrier_pools",
    "document_pdf",
    "documents_folder",
    "stored_ids",
]


@dataclass(frozen=True, slots=True)
class StoredPdf:
    """A document's register entry and its PDF's bytes, checked against the register."""

    view: DocumentView
    data: bytes


def carrier_pools(home: Path, path: Path | None = None) -> CarrierPools:
    """The carrier pools at `path` when given (UserInputError when it is not a file), else the
    workspace's `carrier-pools.toml` when present, else none (no address is then attributed to an
    operator by its pool: docs/documents.md)."""
    if path is not None:
        if not path.is_file():
            raise UserInputError(f"No carrier pools file at {path}.")
        return CarrierPools.load(path)
    default = home / CARRIER_POOLS_FILE
    return CarrierPools.load(default) if default.is_file() else NO_POOLS


def documents_folder(home: Path, case_id: str) -> Path:
    """The workspace folder of case `case_id`'s documents made in the web application."""
    return home / DOCUMENTS_FOLDER / case_id


def stored_ids(home: Path, views: Iterable[DocumentView]) -> frozenset[int]:
    """The documents among `views` whose PDF is in the workspace's documents folder (those the web
    application made; the command line's are where its --out put them)."""
    return frozenset(
        view.id
        for view in views
        if (documents_folder(home, view.case_id) / view.file_name).is_file()
    )


def document_pdf(session: Session, who: Who, ref: str, document_id: int, home: Path) -> StoredPdf:
    """The PDF of document `document_id` of case `ref` from the workspace's documents folder, after
    checking `case.read` and that its bytes still have the register's SHA-256; audited as
    `document.download`.

    UserInputError when the case has no such document, when its PDF is not in the workspace
    (made by the command line into another folder), or when the file differs from the register.
    """
    case = load_case(session, who, ref, Permission.CASE_READ)
    row = session.get(CaseDocument, document_id)
    if row is None or row.case_id != case.id:
        raise UserInputError(
            f"Case {case.id} has no document {document_id}: the case page lists its documents."
        )
    path = documents_folder(home, case.id) / row.file_name
    if not path.is_file():
        raise UserInputError(
            f"{row.file_name} is not in the workspace's documents folder: it was made with "
            "`suraksha documents make --out …`, and its copy is in the folder named there."
        )
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise UserInputError(
            f"{row.file_name} no longer has the SHA-256 recorded when it was made ({row.sha256}): "
            "the file was changed afterwards and is not sent. Make the document again."
        )
    record(
        session,
        who,
        "document.download",
        "case",
        case.id,
        {"document_id": row.id, "kind": row.kind, "sha256": row.sha256},
    )
    return StoredPdf(document_view(row), data)
