"""The objects a running BIA shares: settings, database, loaded commune packs.

Built by :func:`build_context` (never at import time) and handed to the API, the CLI and the
channels. Packs are read from the database (``bia pack load`` put them there), cached per
commune and reloaded when their digest changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bia.core.db import make_engine, make_session_factory, session_scope
from bia.core.settings import Settings
from bia.geo.models import Commune
from bia.geo.pack import Pack
from bia.geo.service import pack_from_db
from bia.geo.zones import ZoneIndex
from bia.routing.engine import PackRouter


@dataclass
class LoadedPack:
    """A commune's pack with what is derived from it once."""

    commune_id: int
    pack: Pack
    zones: ZoneIndex
    router: PackRouter
    extras: dict[str, Any] = field(default_factory=dict)  # lazily built helpers (gazetteer…)


def loaded_from_dir(pack: Pack) -> LoadedPack:
    """A pack read straight from its folder (no database), e.g. for `bia analyze`."""
    return LoadedPack(commune_id=0, pack=pack, zones=ZoneIndex(pack.zones_geojson),
                      router=PackRouter(pack))


class Context:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_session_factory(engine)
        self.read_sessions: sessionmaker[Session] = make_session_factory(engine, read_only=True)
        self._packs: dict[str, LoadedPack] = {}
        self._lock = threading.Lock()
        self.services: dict[str, Any] = {}  # lazily built shared backends (NLU, senders…)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.sessions) as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reads only (never takes SQLite's write lock)."""
        with session_scope(self.read_sessions) as session:
            yield session

    def pack(self, insee: str | None = None) -> LoadedPack:
        insee = insee or self.settings.default_commune
        with self.read_session() as session:
            digest = session.scalar(select(Commune.pack_digest).where(Commune.insee == insee))
            cached = self._packs.get(insee)
            if cached is not None and cached.pack.digest == digest:
                return cached
            with self._lock:
                pack = pack_from_db(session, insee=insee)
                commune_id = session.scalar(select(Commune.id).where(Commune.insee == insee))
                loaded = LoadedPack(commune_id=int(commune_id or 0), pack=pack,
                                    zones=ZoneIndex(pack.zones_geojson), router=PackRouter(pack))
                self._packs[insee] = loaded
                return loaded

    def pack_of(self, commune_id: int) -> LoadedPack:
        with self.read_session() as session:
            insee = session.scalar(select(Commune.insee).where(Commune.id == commune_id))
        return self.pack(insee)

    def service(self, name: str, factory: Any) -> Any:
        """A process-wide shared backend, built once on first use."""
        with self._lock:
            if name not in self.services:
                self.services[name] = factory()
            return self.services[name]

    def close(self) -> None:
        self.engine.dispose()


def build_context(settings: Settings) -> Context:
    return Context(settings, make_engine(settings.database_url))
