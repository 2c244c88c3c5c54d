"""The table of generated documents: which template version made which PDF, from which values.

CaseDocument rows are added, never edited: making a document again adds a row, so the register
shows every copy that left the unit, and `values_used` with `template_version` (and the template's
SHA-256) let anyone render the same document again and compare its SHA-256.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.storage.base import Base, utcnow


class CaseDocument(Base):
    """One document made for a case: kind, template version, who and when, the PDF's digest."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(Text)  # file name in cases/documents/templates
    template_version: Mapped[int]
    template_sha256: Mapped[str] = mapped_column(String(64))
    made_by: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    file_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))  # of the PDF as written
    values_used: Mapped[dict[str, Any]] = mapped_column(default=dict)  # every value rendered
