"""Files the application sends to be saved rather than shown: CSV exports.

Cells are written as given; callers defuse text that a spreadsheet could take for a formula
(`spreadsheets.defuse`), as every export does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response


def csv_attachment(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """`rows` under `header` as a CSV attachment named `name` (UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
