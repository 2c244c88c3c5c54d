"""Groups of a scan's pictures and videos: by camera, folder, capture day and burst, place, series.

Computed on demand from the stored files (nothing is stored, so groups always reflect the files as
they are and cost nothing during the scan):

    camera   same EXIF make, model and body serial number ("which device took these")
    folder   same folder (an archive member's folder includes the archive: `a.zip!/DCIM`)
    day      same capture date, in the camera's own local time
    burst    pictures of one camera taken at most `BURST_GAP` apart, at least `BURST_MIN` of them
    place    same GPS cell of `PLACE_CELL` degrees (about 1.1 km of latitude)
    series   new-media near-duplicates: PDQ within `SERIES_THRESHOLD`, joined transitively
             (connected components), so a set of edits of one picture is one series; a video
             takes part through its frames (vPDQ), so a video and the pictures or other videos
             of the same scene fall in one series

Only media files (images and videos) are grouped. Capture times stay the camera's wall-clock time:
the EXIF offset is often missing, and comparing two pictures of one camera needs no time zone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.hashing.pdq import MATCH_THRESHOLD, MIN_QUALITY
from suraksha.hashing.pdq_index import PdqIndex, Strategy, codes_of
from suraksha.hashing.video import usable_stored_hashes
from suraksha.triage.classes import FileClass
from suraksha.triage.models import ScannedFile

BURST_GAP: Final = timedelta(minutes=2)
"""Largest time between two consecutive pictures of one burst (one sitting, one camera)."""

BURST_MIN: Final = 3
"""Fewest pictures that make a burst."""

PLACE_CELL: Final = 0.01
"""Side of a GPS cell in degrees: about 1.1 km north–south, less east–west away from the equator."""

SERIES_THRESHOLD: Final = MATCH_THRESHOLD
"""Largest PDQ distance between two pictures of one series (the matcher's own threshold)."""

_MIH_ABOVE = 20_000  # series search: below this many hashes a full SIMD scan is quicker to build


class GroupKind(StrEnum):
    """What a group's files have in common (see the module docstring)."""

    CAMERA = "camera"
    FOLDER = "folder"
    DAY = "day"
    BURST = "burst"
    PLACE = "place"
    SERIES = "series"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """What grouping reads of one stored picture or video."""

    id: str
    path: str
    file_class: str
    media: str
    pdq: str | None = None
    quality: int | None = None
    exif: dict[str, Any] = field(default_factory=dict)
    frames: tuple[str, ...] = ()  # a video's usable frame hashes (quality ≥ 50, distinct)


@dataclass(frozen=True, slots=True)
class Group:
    """Files of a scan sharing one trait; `key` names it stably, `detail` says more by kind:

    camera `make`, `model`, `body_serial`; burst and day `first`, `last` capture times; place
    `lat`, `lon` (the pictures' mean position); series `max_distance` (the largest PDQ distance
    of a pair that joined it). `classes` counts the files by class.
    """

    kind: GroupKind
    key: str
    file_ids: tuple[str, ...]
    paths: tuple[str, ...]
    classes: dict[str, int]
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Files in the group."""
        return len(self.file_ids)

    def as_json(self) -> dict[str, Any]:
        """The group as one JSON object (`scans groups --format jsonl`)."""
        return {
            "kind": self.kind.value,
            "key": self.key,
            "files": self.size,
            "classes": self.classes,
            "detail": self.detail,
            "paths": list(self.paths),
        }


def media_files(session: Session, scan_id: int) -> list[MediaFile]:
    """The pictures and videos of a scan, in path order."""
    rows = session.execute(
        select(
            ScannedFile.id,
            ScannedFile.path,
            ScannedFile.file_class,
            ScannedFile.media,
            ScannedFile.pdq,
            ScannedFile.quality,
            ScannedFile.exif,
            ScannedFile.video,
        )
        .where(ScannedFile.scan_id == scan_id, ScannedFile.media.in_(("image", "video")))
        .order_by(ScannedFile.path, ScannedFile.id)
    )
    return [
        MediaFile(
            id_,
            path,
            file_class,
            media,
            pdq,
            quality,
            dict(exif or {}),
            usable_stored_hashes(video),
        )
        for id_, path, file_class, media, pdq, quality, exif, video in rows
    ]


def groups_of(
    session: Session, scan_id: int, kinds: Iterable[GroupKind] | None = None
) -> list[Group]:
    """The groups of scan `scan_id` of the given kinds (all by default); see `compute_groups`."""
    return compute_groups(media_files(session, scan_id), kinds)


def compute_groups(
    files: Sequence[MediaFile], kinds: Iterable[GroupKind] | None = None
) -> list[Group]:
    """Group `files`; groups come by kind (in `GroupKind` order), largest first, then by key."""
    wanted = (
        list(GroupKind) if kinds is None else [kind for kind in GroupKind if kind in set(kinds)]
    )
    makers = {
        GroupKind.CAMERA: _by_camera,
        GroupKind.FOLDER: _by_folder,
        GroupKind.DAY: _by_day,
        GroupKind.BURST: _bursts,
        GroupKind.PLACE: _by_place,
        GroupKind.SERIES: _series,
    }
    groups: list[Group] = []
    for kind in wanted:
        groups += sorted(makers[kind](files), key=lambda group: (-group.size, group.key))
    return groups


def count_by_kind(groups: Iterable[Group]) -> dict[str, int]:
    """How many groups of each kind (every kind present, zero included)."""
    found = Counter(group.kind.value for group in groups)
    return {kind.value: found.get(kind.value, 0) for kind in GroupKind}


def _group(
    kind: GroupKind, key: str, members: Sequence[MediaFile], detail: dict[str, Any] | None = None
) -> Group:
    ordered = sorted(members, key=lambda f: (f.path, f.id))
    classes = Counter(f.file_class for f in ordered)
    return Group(
        kind,
        key,
        tuple(f.id for f in ordered),
        tuple(f.path for f in ordered),
        {name.value: classes[name.value] for name in FileClass if classes[name.value]},
        detail or {},
    )


def _camera_of(file: MediaFile) -> tuple[str, str, str] | None:
    parts = tuple(str(file.exif.get(key) or "") for key in ("make", "model", "body_serial"))
    return (parts[0], parts[1], parts[2]) if any(parts) else None


def _by_camera(files: Sequence[MediaFile]) -> list[Group]:
    cameras: dict[tuple[str, str, str], list[MediaFile]] = defaultdict(list)
    for file in files:
        if (camera := _camera_of(file)) is not None:
            cameras[camera].append(file)
    return [
        _group(
            GroupKind.CAMERA,
            " / ".join(part or "?" for part in camera),
            members,
            {
                "make": camera[0] or None,
                "model": camera[1] or None,
                "body_serial": camera[2] or None,
            },
        )
        for camera, members in cameras.items()
    ]


def _folder(path: str) -> str:
    folder, slash, _ = path.rpartition("/")
    return folder if slash else "."


def _by_folder(files: Sequence[MediaFile]) -> list[Group]:
    folders: dict[str, list[MediaFile]] = defaultdict(list)
    for file in files:
        folders[_folder(file.path)].append(file)
    return [_group(GroupKind.FOLDER, folder, members) for folder, members in folders.items()]


def _captured(file: MediaFile) -> datetime | None:
    """The capture time as the camera's wall clock (any offset dropped; see the module docstring)."""
    text = file.exif.get("captured_at")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text[:19])
    except ValueError:
        return None


def _timed(files: Sequence[MediaFile]) -> list[tuple[datetime, MediaFile]]:
    return sorted(
        ((at, file) for file in files if (at := _captured(file)) is not None),
        key=lambda pair: (pair[0], pair[1].path),
    )


def _span(timed: Sequence[tuple[datetime, MediaFile]]) -> dict[str, Any]:
    return {"first": timed[0][0].isoformat(), "last": timed[-1][0].isoformat()}


def _by_day(files: Sequence[MediaFile]) -> list[Group]:
    days: dict[str, list[tuple[datetime, MediaFile]]] = defaultdict(list)
    for at, file in _timed(files):
        days[at.date().isoformat()].append((at, file))
    return [
        _group(GroupKind.DAY, day, [f for _, f in timed], _span(timed))
        for day, timed in days.items()
    ]


def _bursts(files: Sequence[MediaFile]) -> list[Group]:
    cameras: dict[tuple[str, str, str] | None, list[MediaFile]] = defaultdict(list)
    for file in files:
        cameras[_camera_of(file)].append(file)
    groups: list[Group] = []
    for camera, members in cameras.items():
        label = " / ".join(part or "?" for part in camera) if camera else "unknown camera"
        runs: list[list[tuple[datetime, MediaFile]]] = []
        for at, file in _timed(members):
            if runs and at - runs[-1][-1][0] <= BURST_GAP:
                runs[-1].append((at, file))
            else:
                runs.append([(at, file)])
        for run in runs:
            if len(run) >= BURST_MIN:
                key = f"{run[0][0].isoformat()} {label}"
                detail = {**_span(run), "camera": label}
                groups.append(_group(GroupKind.BURST, key, [f for _, f in run], detail))
    return groups


def _by_place(files: Sequence[MediaFile]) -> list[Group]:
    cells: dict[tuple[int, int], list[tuple[float, float, MediaFile]]] = defaultdict(list)
    for file in files:
        gps = file.exif.get("gps")
        if not isinstance(gps, dict):
            continue
        lat, lon = gps.get("lat"), gps.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            cell = (int(np.floor(lat / PLACE_CELL)), int(np.floor(lon / PLACE_CELL)))
            cells[cell].append((float(lat), float(lon), file))
    groups: list[Group] = []
    for (row, column), members in cells.items():
        key = f"{row * PLACE_CELL:.2f},{column * PLACE_CELL:.2f}"
        detail = {
            "lat": round(sum(lat for lat, _, _ in members) / len(members), 5),
            "lon": round(sum(lon for _, lon, _ in members) / len(members), 5),
            "cell_degrees": PLACE_CELL,
        }
        groups.append(_group(GroupKind.PLACE, key, [f for _, _, f in members], detail))
    return groups


def _series(files: Sequence[MediaFile]) -> list[Group]:
    """Connected components of new-media pictures and videos within `SERIES_THRESHOLD`.

    A picture is one hash; a video is each of its usable frames, all joined to the video. Hashes
    of PDQ quality under `MIN_QUALITY` are left out: featureless images (a black frame, a flat
    sky) are near everything and would chain unrelated series together.
    """
    hashed: list[MediaFile] = []  # the owner of each hash
    values: list[str] = []
    for file in files:
        if file.file_class != FileClass.NEW_MEDIA.value:
            continue
        if file.frames:
            hashed += [file] * len(file.frames)
            values += file.frames
        elif file.pdq and (file.quality or 0) >= MIN_QUALITY:
            hashed.append(file)
            values.append(file.pdq)
    if len({file.id for file in hashed}) < 2:
        return []
    codes = codes_of(values)
    strategy: Strategy = "mih" if len(hashed) > _MIH_ABOVE else "flat"
    index = PdqIndex.from_codes(np.arange(len(hashed), dtype=np.int64), codes, strategy)
    queries, entries, distances = index.search_codes(codes, SERIES_THRESHOLD, threads=1)
    parent = list(range(len(hashed)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    pairs = [
        (query, entry, distance)
        for query, entry, distance in zip(
            queries.tolist(), entries.tolist(), distances.tolist(), strict=True
        )
        if query < entry and hashed[query].id != hashed[entry].id  # not a video's own frames
    ]
    first_of: dict[str, int] = {}
    for position, file in enumerate(hashed):  # a video's frames are one node
        first = first_of.setdefault(file.id, position)
        if first != position:
            parent[position] = first
    for query, entry, _ in pairs:
        a, b = root(query), root(entry)
        if a != b:
            parent[max(a, b)] = min(a, b)
    widest: dict[int, int] = defaultdict(int)
    for query, _, distance in pairs:
        top = root(query)
        widest[top] = max(widest[top], distance)
    components: dict[int, dict[str, MediaFile]] = defaultdict(dict)
    for position, file in enumerate(hashed):
        components[root(position)][file.id] = file
    groups: list[Group] = []
    for top, members in components.items():
        if len(members) < 2:
            continue
        chosen = list(members.values())
        key = min(file.path for file in chosen)
        detail = {"max_distance": widest[top]}
        groups.append(_group(GroupKind.SERIES, key, chosen, detail))
    return groups
