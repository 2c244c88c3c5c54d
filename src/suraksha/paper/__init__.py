"""The printed page every PDF of Suraksha shares: one stylesheet and the loader that includes it.

Scan reports, s.63 certificates, case documents and referral packets are HTML rendered by
WeasyPrint, which is given no URL to fetch: each template includes its stylesheet inline. The
rules every document needs (A4 page, running title and page numbers, type, tables, hashes,
banners, the draft mark, signature blocks) live once in `paper.css`; a domain's own stylesheet
starts with `{% include "paper.css" %}` and adds only its own rules. `loader(package)` finds a
domain's templates first, then this folder, so the include resolves in every environment.
"""

from __future__ import annotations

from importlib import resources
from typing import Final

import jinja2

STYLESHEET: Final = "paper.css"


def loader(package: str) -> jinja2.BaseLoader:
    """The templates of `package` (its `templates/` folder), then the shared stylesheet."""
    return jinja2.ChoiceLoader(
        [jinja2.PackageLoader(package, "templates"), jinja2.PackageLoader(__name__, ".")]
    )


def stylesheet_text() -> str:
    """The shared stylesheet's source (for digests of what printed a document)."""
    return resources.files(__name__).joinpath(STYLESHEET).read_text(encoding="utf-8")
