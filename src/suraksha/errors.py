"""The exception tree: every error Suraksha raises on purpose.

SurakshaError                 base; `str(err)` says what was wrong and what to do
 ├── ConfigurationError       settings or workspace unusable (exit code 1)
 ├── UserInputError           a command's arguments or files are unusable (exit code 1)
 ├── AccessDenied             the signed-in person's role or jurisdiction does not allow it (exit 1)
 ├── FormatError              a document is not in the format it claims (quarantined, not raised
 │    │                       past the pipeline)
 │    └── HostileInputError   a document tries something dangerous (entities, bombs, traversal)
 └── StorageError             the database is unreachable or not at the expected schema
"""

from __future__ import annotations


class SurakshaError(Exception):
    """Base class; messages are written for the officer or analyst who will read them."""


class ConfigurationError(SurakshaError):
    """A setting or the workspace cannot be used as configured."""


class UserInputError(SurakshaError):
    """A command was given arguments or files it cannot use."""


class AccessDenied(SurakshaError):
    """The actor's role or jurisdiction does not permit the action (`security.policy.require`).

    The message names the permission and the actor's own scope, never the object's place or
    contents: a refusal must not tell a district officer where another district's subject is.
    """


class FormatError(SurakshaError):
    """A document does not follow its format; the pipeline quarantines it with this message."""


class HostileInputError(FormatError):
    """A document attempts something dangerous (external entities, expansion bombs, oversize)."""


class StorageError(SurakshaError):
    """The database cannot be reached, or its schema is not the one this version expects."""
