"""Durable JSON documents in SQLite, with every request's writes in one transaction.

Documents are kept parsed in memory (the cache) and written through to SQLite when a
transaction commits. A failed transaction drops the documents it touched from the cache,
so the next reader reloads the last committed state: that is what makes a failing
``batchUpdate`` change nothing. One lock serialises transactions, which keeps the
threaded server safe without per-document locking.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
"""


class Store:
    """A document store: ``kind`` (e.g. ``"file"``, ``"spreadsheet"``) and ``id`` name a doc."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        journal = "WAL" if self.path != ":memory:" else "MEMORY"
        self._db.execute(f"PRAGMA journal_mode={journal}")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._lock = threading.RLock()
        self._cache: dict[tuple[str, str], Doc] = {}
        self._loaded_kinds: set[str] = set()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock:
            txn = Transaction(self)
            try:
                yield txn
            except BaseException:
                for key in txn.touched:
                    self._cache.pop(key, None)
                    self._loaded_kinds.discard(key[0])
                raise
            txn.commit()

    # -- used by Transaction, under the lock ---------------------------------------------

    def _load(self, kind: str, doc_id: str) -> Doc | None:
        key = (kind, doc_id)
        if key in self._cache:
            return self._cache[key]
        row = self._db.execute(
            "SELECT body FROM documents WHERE kind = ? AND id = ?", key
        ).fetchone()
        if row is None:
            return None
        doc: Doc = json.loads(row[0])
        self._cache[key] = doc
        return doc

    def _load_kind(self, kind: str) -> list[tuple[str, Doc]]:
        if kind not in self._loaded_kinds:
            for doc_id, body in self._db.execute(
                "SELECT id, body FROM documents WHERE kind = ?", (kind,)
            ):
                self._cache.setdefault((kind, doc_id), json.loads(body))
            self._loaded_kinds.add(kind)
        return [(k[1], doc) for k, doc in self._cache.items() if k[0] == kind]

    def _write(self, puts: dict[tuple[str, str], Doc | None]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for (kind, doc_id), doc in puts.items():
                if doc is None:
                    self._db.execute(
                        "DELETE FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)
                    )
                    self._cache.pop((kind, doc_id), None)
                else:
                    self._db.execute(
                        "INSERT OR REPLACE INTO documents (kind, id, body) VALUES (?, ?, ?)",
                        (kind, doc_id, json.dumps(doc, separators=(",", ":"))),
                    )
                    self._cache[(kind, doc_id)] = doc
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise


class Transaction:
    """Reads and writes of one request. Docs returned by ``get`` may be mutated in place;
    call ``put`` to have the change written (a failure rolls every touched doc back)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._puts: dict[tuple[str, str], Doc | None] = {}
        self.touched: set[tuple[str, str]] = set()

    def get(self, kind: str, doc_id: str) -> Doc | None:
        key = (kind, doc_id)
        self.touched.add(key)
        if key in self._puts:
            return self._puts[key]
        return self._store._load(kind, doc_id)

    def all(self, kind: str) -> list[tuple[str, Doc]]:
        docs = {doc_id: doc for doc_id, doc in self._store._load_kind(kind)}
        for (k, doc_id), doc in self._puts.items():
            if k != kind:
                continue
            if doc is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = doc
        for doc_id in docs:
            self.touched.add((kind, doc_id))
        return sorted(docs.items())

    def put(self, kind: str, doc_id: str, doc: Doc) -> None:
        self.touched.add((kind, doc_id))
        self._puts[(kind, doc_id)] = doc

    def delete(self, kind: str, doc_id: str) -> None:
        self.touched.add((kind, doc_id))
        self._puts[(kind, doc_id)] = None

    def commit(self) -> None:
        if self._puts:
            self._store._write(self._puts)
        self._puts = {}
