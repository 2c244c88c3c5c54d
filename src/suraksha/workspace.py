"""Opening a workspace: settings → engine → a schema at the current revision.

This is the one place that imports every domain's tables, so that SQLAlchemy knows the whole schema
(foreign keys cross domains at the database level even though code never does).
"""

from __future__ import annotations

from sqlalchemy import Engine, MetaData

from suraksha.cases import models as _cases_models
from suraksha.cases.documents import models as _documents_models
from suraksha.config import Settings
from suraksha.hashing import models as _hashing_models
from suraksha.identity import models as _identity_models
from suraksha.intake import models as _intake_models
from suraksha.intel import models as _intel_models
from suraksha.intel.networks import models as _network_models
from suraksha.security import models as _security_models
from suraksha.security import sessions as _security_sessions
from suraksha.security.secrets import SecretBox
from suraksha.storage import schema
from suraksha.storage.base import Base
from suraksha.storage.engine import create_engine_for
from suraksha.triage import audit as _triage_audit
from suraksha.triage import models as _triage_models
from suraksha.victims import models as _victims_models

# Named so that the imports above are visibly used: these modules define the tables.
DOMAIN_MODELS = (
    _intake_models,
    _hashing_models,
    _identity_models,
    _intel_models,
    _network_models,
    _triage_models,
    _triage_audit,
    _security_models,
    _security_sessions,
    _cases_models,
    _documents_models,
    _victims_models,
)


def metadata() -> MetaData:
    """The metadata of every table of every domain."""
    return Base.metadata


def open_engine(settings: Settings, *, migrate: bool = False) -> Engine:
    """An engine on the workspace database; with `migrate`, create or upgrade the schema first.

    Migrations get the workspace's `SecretBox`, for those that seal stored secrets (0013).
    """
    engine = create_engine_for(settings)
    if migrate:
        schema.upgrade(engine, sealer=SecretBox.from_settings(settings))
    else:
        schema.require_current(engine)
    return engine
