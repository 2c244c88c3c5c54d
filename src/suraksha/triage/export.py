"""A scan's files as JSON lines (`scan --json FILE`), and the scans of a case and device.

One object per file, in path order: `path`, `md5`, `sha1`, `sha256`, `type`, `class`, `matches`
(each with `bank`, `kind`, `version`, `algorithm`, `distance`, `category`, `needs_confirmation`,
and for a video's `vpdq` match its `detail`: frames matched and where), `reported_in` (the tip
reports that named the file by digest or by PDQ, with `pdq_distance`, found when written: see
`triage.correlation`), and where present
`size`, `inode`, `deleted`, `pdq` and `quality`, `exif`, `vpdq` (a video's frame hashes, one a
second: `frames` as {`frame`, `seconds`, `pdq`, `quality`}, with `duration`, `width`, `height`,
`codec`, `truncated`, `preprocessing`), `error`. Read in batches, so a scan of a
million files is written in bounded memory.
"""

from __future__ import annotations

import json
from typing import Any, Final, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.hashing.matcher import MatchView, matches_for
from suraksha.triage.correlation import Report, reported_in, scan_near_reported_in
from suraksha.triage.models import ScannedFile

_BATCH: Final = 500


def write_jsonl(
    session: Session, scan_id: int, out: TextIO, *, near: dict[str, list[Report]] | None = None
) -> int:
    """Write every file of scan `scan_id` to `out`, one JSON object a line; returns how many.

    `near` are the scan's PDQ links to tips (`scan_near_reported_in`) when the caller has them
    already; otherwise they are found here (reading every tip PDQ once)."""
    written = 0
    if near is None:
        near = scan_near_reported_in(session, scan_id)
    after: tuple[str, str] | None = None
    while True:
        query = select(ScannedFile).where(ScannedFile.scan_id == scan_id)
        if after is not None:
            query = query.where(
                (ScannedFile.path > after[0])
                | ((ScannedFile.path == after[0]) & (ScannedFile.id > after[1]))
            )
        rows = list(session.scalars(query.order_by(ScannedFile.path, ScannedFile.id).limit(_BATCH)))
        if not rows:
            return written
        matches = matches_for(session, "device_file", [row.id for row in rows])
        reports = reported_in(
            session, [(row.id, row.md5, row.sha1, row.sha256) for row in rows], near
        )
        for row in rows:
            document = file_document(row, matches.get(row.id, []), reports.get(row.id, []))
            out.write(json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n")
        written += len(rows)
        after = (rows[-1].path, rows[-1].id)


def file_document(
    row: ScannedFile, matches: list[MatchView], reports: list[Report] | None = None
) -> dict[str, Any]:
    """The JSON object of one scanned file; `reports` are the tips that named it."""
    document: dict[str, Any] = {
        "path": row.path,
        "md5": row.md5,
        "sha1": row.sha1,
        "sha256": row.sha256,
        "type": row.file_type,
        "class": row.file_class,
        "matches": [_match_document(view) for view in matches],
        "reported_in": [report.as_json() for report in reports or []],
        "size": row.size,
        "deleted": row.deleted,
    }
    if row.inode is not None:
        document["inode"] = row.inode
    if row.pdq is not None:
        document["pdq"] = row.pdq
        document["quality"] = row.quality
    if row.exif:
        document["exif"] = row.exif
    if row.video:
        document["vpdq"] = row.video  # stored in the JSON form (scanner.video_facts)
    if row.error:
        document["error"] = row.error
    return document


def _match_document(view: MatchView) -> dict[str, Any]:
    document: dict[str, Any] = {
        "bank": view.bank,
        "kind": view.bank_kind,
        "version": view.bank_version,
        "algorithm": view.algorithm,
        "distance": view.distance,
        "category": view.category,
        "needs_confirmation": view.needs_confirmation,
    }
    if view.detail:
        document["detail"] = dict(view.detail)
    return document
