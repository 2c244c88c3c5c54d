"""Pages of a filtered list (offset paging): what the web pages and the JSON API show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")


@dataclass(frozen=True)  # no slots: a slotted generic dataclass cannot be built as `Page[T](…)`
class Page(Generic[Row]):
    """A page of a list: the rows, how many match in all, and where the page starts."""

    rows: list[Row]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None on the last one."""
        following = self.offset + self.limit
        return following if following < self.total else None

    @property
    def previous_offset(self) -> int | None:
        """The offset of the previous page, or None on the first one."""
        return max(0, self.offset - self.limit) if self.offset > 0 else None
