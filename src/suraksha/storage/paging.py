"""Pages of a filtered list (offset paging): what the web pages and the JSON API show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")


@dataclass(frozen=True)  # no slots: a slotted generic dataclass cannot be built as `Page[T](…)`
class Page(Generic[Row]):
    """A page of a list: the rows, how many match in all, and where the page starts.

    `exact` is False when the list stopped counting: `total` is then a lower bound (shown as
    "1,000+"), always past this page, so there is a next one.
    """

    rows: list[Row]
    total: int
    offset: int
    limit: int
    exact: bool = True

    @property
    def total_text(self) -> str:
        """The total as people read it: "1,234", or "1,000+" when the list stopped counting."""
        return f"{self.total:,}" + ("" if self.exact else "+")

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None on the last one."""
        following = self.offset + self.limit
        return following if following < self.total else None

    @property
    def previous_offset(self) -> int | None:
        """The offset of the previous page, or None on the first one."""
        return max(0, self.offset - self.limit) if self.offset > 0 else None
