"""Imports every table module so that ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from sqlalchemy import MetaData


def load_all_models() -> MetaData:
    from bia.cases import models as _cases  # noqa: F401
    from bia.core.db import Base
    from bia.geo import models as _geo  # noqa: F401
    from bia.intake import models as _intake  # noqa: F401
    from bia.intake import photos as _photos  # noqa: F401
    from bia.reports import models as _reports  # noqa: F401
    from bia.routing import models as _routing  # noqa: F401

    return Base.metadata
