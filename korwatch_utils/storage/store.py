"""The incremental store: an embedded DuckDB file holding every table, so a re-run costs only what is new.

`Store(path).sync(folder)` loads the folder, works out which articles are new,
changed or deleted (by a key over the text, its metadata, korwatch's code and
data files and the model version), analyses only those, in chunks, each chunk in
one transaction: an interrupted run leaves whole chunks or nothing, and the
next run finishes the work. `Store(path).tables()` reads everything back.
A connection is opened per call and closed after it, and a sync holds the
store only while it reads keys or commits a chunk, so notebooks and a second
run can share one store: a process that finds it locked waits (saying so once)
and goes on, or stops with a one-line StoreError after `busy_timeout` seconds.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from korwatch_utils.analyses.analysis import CHUNK_SIZE, Analysis, analyse_batch, chunked, harmonise
from korwatch_utils.analyses.entities import analyst_aliases
from korwatch_utils.analyses.timeline import today_in_key
from korwatch_utils.input.articles import ARTICLE_COLUMNS, DEFAULT_MAX_BYTES, load_articles, url_date
from korwatch_utils.nlp.ner import ANNOTATION_VERSION, model_version
from korwatch_utils.nlp.syntax import parser_version
from korwatch_utils.storage.keys import code_version
from korwatch_utils.text.cleaning import CleanResult, clean, load_rules, repeated_lines
from korwatch_utils.version import __version__
from korwatch_utils.storage.cluster import connect, stream
from korwatch_utils.data import DATA_DIR
from korwatch_utils.tables import ANALYSIS_TABLES, TABLES, Table, conform

SCHEMA_VERSION = 6
STORE_FILE = "korwatch.duckdb"
# A process that finds the store locked by another waits this long, polling, before giving up with a
# one-line error (KORWATCH_BUSY_TIMEOUT seconds overrides it).
DEFAULT_BUSY_TIMEOUT = float(os.environ.get("KORWATCH_BUSY_TIMEOUT", "600") or 600)
BUSY_POLL_SECONDS = 0.25
# The store's tables: korwatch's, with each article's store key beside it.
STORED = {**TABLES, "articles": Table("articles", {**TABLES["articles"].kinds, "store_key": "str"},
                                      TABLES["articles"].order)}
PER_ARTICLE = tuple(name for name, table in STORED.items() if table.per_article and name != "articles")
SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "list": "VARCHAR[]"}
# Migrations from schema version N to N + 1, as SQL statements.
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_ANALYSED_TABLES = ("articles", "load_report", "removed", "paragraphs", "sentences", "mentions", "cues",
                    "reference_dates", "references", "dates", "events")
MIGRATIONS: dict[int, list[str]] = {
    # 2: reference_dates is called references, events' entities and stance are lists.
    # 3: articles have modified and dateline, cues hedged, references ambiguous and candidates, dates and
    # events ambiguous. Each time every stored article is analysed again (its analysis changed too), so
    # the older tables go and are made anew.
    1: [f"DROP TABLE IF EXISTS {_q(name)}" for name in _ANALYSED_TABLES],
    2: [f"DROP TABLE IF EXISTS {_q(name)}" for name in _ANALYSED_TABLES],
    # 4: the load report has field and value (the metadata value that could not be used); it is written
    # anew by every sync, so it is dropped and made again.
    3: ["DROP TABLE IF EXISTS load_report"],
    # 5: cues carry the learned attributor's confidence, the speaker as written and how it was found, the
    # statement's kind and content span: every stored article is analysed again.
    4: [f"DROP TABLE IF EXISTS {_q(name)}" for name in _ANALYSED_TABLES],
    # 6: a learned line classifier decides cleaning: removals carry its score, articles a cleaning note.
    5: [f"DROP TABLE IF EXISTS {_q(name)}" for name in _ANALYSED_TABLES],
}


class StoreError(RuntimeError):
    """The store cannot be used as it is (e.g. written by a newer korwatch); the message says what to do."""


@dataclass
class SyncReport:
    """What a sync did, and where its time went.

    seconds: each step's time summed over chunks (on several workers the sum can pass
    the wall time, which is `total`).
    """

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        timing = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.seconds.items())
        return (f"{len(self.new)} new, {len(self.changed)} changed, {len(self.deleted)} deleted, "
                f"{self.unchanged} unchanged ({timing})")


def default_store_path(source: str | Path) -> Path:
    """<folder>.korwatch/korwatch.duckdb beside the input folder (or beside the input file)."""
    source = Path(source).resolve()
    return source.parent / f"{source.name}.korwatch" / STORE_FILE


def _ddl(table: Table) -> str:
    columns = ", ".join(f"{_q(column)} {SQL_TYPES[kind]}" for column, kind in table.kinds.items())
    return f"CREATE TABLE IF NOT EXISTS {_q(table.name)} ({columns})"


class Store:
    """One DuckDB file with korwatch's tables; see the module docstring."""

    def __init__(self, path: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, migrate: bool = True):
        """Open (or create) the store at path.

        Args:
            migrate: bring a store of an older schema up to date, dropping the analysed tables that the next
                sync makes again; False opens the store read-only, for queries: an older schema or a file
                that is no korwatch store is refused, and nothing is ever written (a store on read-only media
                can be read).
        """
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.read_only = not migrate
        if self.read_only:
            with self._connect() as con:
                self._check_schema(con)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            self._ensure_schema(con)

    @contextmanager
    def _connect(self):
        import duckdb

        waited, said = 0.0, False
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=self.read_only)
                break
            except duckdb.IOException as error:  # another process holds the write lock
                if "lock" not in str(error).lower():
                    raise StoreError(f"{self.path} cannot be opened: {str(error).splitlines()[0]}") from None
                if waited >= self.busy_timeout:
                    raise StoreError(f"store busy: another korwatch process has been writing to {self.path} for "
                                     f"{waited:.0f} s; try again when it has finished") from None
                if not said:
                    print("store busy: another korwatch process is writing; waiting", file=sys.stderr)
                    said = True
                pause = min(BUSY_POLL_SECONDS, self.busy_timeout - waited)
                time.sleep(pause)
                waited += pause
            except duckdb.Error as error:
                raise StoreError(f"{self.path} is not a korwatch store DuckDB can read: "
                                 f"{str(error).splitlines()[0]}") from None
        try:
            yield con
        finally:
            con.close()

    def _check_schema(self, con) -> None:
        """StoreError unless the file is a korwatch store of this schema."""
        has_meta = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if has_meta else None
        if row is None:
            raise StoreError(f"{self.path} is not a korwatch store (it has no schema version)")
        if int(row[0]) < SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by an older korwatch (schema {row[0]}, this one reads "
                             f"{SCHEMA_VERSION}); bring it up to date from its folder: korwatch run FOLDER --store "
                             f"{self.path}")
        self._refuse_newer(int(row[0]))

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer korwatch (schema {version}, this one reads "
                             f"{SCHEMA_VERSION}); upgrade korwatch or delete the store to rebuild it")

    def _ensure_schema(self, con) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else SCHEMA_VERSION
        self._refuse_newer(version)
        while version < SCHEMA_VERSION:
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            version += 1
        for table in STORED.values():
            con.execute(_ddl(table))
        self._set_meta(con, "schema_version", str(SCHEMA_VERSION))

    @staticmethod
    def _set_meta(con, key: str, value: str) -> None:
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def meta(self) -> dict[str, str]:
        """The store's bookkeeping: schema_version, model_version, config, last_sync."""
        with self._connect() as con:
            return dict(con.execute("SELECT key, value FROM meta").fetchall())

    def sync(self, source: str | Path | list, rules_file: str | Path | None = None,
             aliases_file: str | Path | None = None,
             *, max_bytes: int = DEFAULT_MAX_BYTES, chunk_size: int = CHUNK_SIZE, progress: bool = True,
             workers: int | None = 1, scheduler: str | None = None, today: date | None = None) -> SyncReport:
        """Bring the store up to date with a folder: analyse new and changed articles, drop deleted ones.

        Args:
            source: the input folder (or a list of files): the store then holds exactly its articles.
            rules_file: an extra boilerplate.csv; aliases_file: an extra aliases.csv (default: the
                folder's own aliases.csv). Changing either re-analyses every article.
            chunk_size: articles analysed and committed together.
            progress: show a tqdm progress bar.
            workers, scheduler: where chunks are analysed (`cluster.connect`): this process
                (workers=1, the default here), N local worker processes (None: one per core, the
                default of `korwatch run` and the notebooks) or a Dask scheduler's workers. This
                process alone writes the store, one chunk at a time, as each chunk comes back.
            today: the day of the analysis (default: the current day): no date is read after it, and what
                of it an article's dates depend on is part of its key (`timeline.today_in_key`).
        """
        today = today or date.today()
        report = SyncReport()
        started = time.perf_counter()
        loaded = load_articles(source, max_bytes=max_bytes)
        rules = load_rules(rules_file)
        folder = source if isinstance(source, (str, os.PathLike)) and Path(source).is_dir() else None
        aliases = analyst_aliases(folder, aliases_file)
        config = _config_key(rules, aliases, f"{model_version()}+{parser_version()}")
        # A line is a site's furniture when enough of the folder's articles of that site hold it: what an article
        # has of it is part of its key, so a new article re-cleans just the articles whose furniture it changes.
        repeated = repeated_lines(loaded.articles)
        furniture = [repeated.get(doc_id, frozenset()) for doc_id in loaded.articles["doc_id"]]
        articles = loaded.articles.assign(furniture=furniture, store_key=[
            _article_key(row, config, today, lines)
            for row, lines in zip(loaded.articles.itertuples(index=False), furniture)])
        # The store is opened only to read keys and to commit each chunk (~15 ms each): between commits a
        # notebook or a second run can use it.
        with self._connect() as con:
            stored = dict(con.execute("SELECT doc_id, store_key FROM articles").fetchall())
            current = dict(zip(articles["doc_id"], articles["store_key"]))
            report.deleted = sorted(set(stored) - set(current))
            report.new = [doc for doc in current if doc not in stored]
            report.changed = [doc for doc in current if doc in stored and stored[doc] != current[doc]]
            report.unchanged = len(current) - len(report.new) - len(report.changed)
            report.seconds["load"] = time.perf_counter() - started

            con.begin()
            self._delete(con, report.deleted)
            con.execute("DELETE FROM load_report")
            self._insert(con, "load_report", loaded.report)
            self._set_meta(con, "model_version", model_version())
            self._set_meta(con, "config", config)
            con.commit()

        todo = articles[articles["doc_id"].isin(report.new + report.changed)]
        chunks = chunked(todo, chunk_size)
        with connect(workers, scheduler, chunks=len(chunks)) as client:
            finished = stream(client, analyse_chunk, chunks, rules, aliases, today)
            if progress and chunks:
                from tqdm.auto import tqdm

                finished = tqdm(finished, total=len(chunks), desc="analysing articles", unit="chunk")
            for index, (tables, seconds) in finished:
                for name, value in seconds.items():
                    report.seconds[name] = report.seconds.get(name, 0) + value
                step = time.perf_counter()
                with self._connect() as con:
                    self._write_chunk(con, list(chunks[index]["doc_id"]), tables)
                report.seconds["write"] = report.seconds.get("write", 0) + time.perf_counter() - step
        with self._connect() as con:
            self._set_meta(con, "last_sync", datetime.now(timezone.utc).isoformat(timespec="seconds"))
        report.seconds["total"] = time.perf_counter() - started
        return report

    def _write_chunk(self, con, doc_ids: list[str], tables: dict[str, pd.DataFrame]) -> None:
        """Replace the rows of these articles in every table, in one transaction."""
        con.begin()
        try:
            self._delete(con, doc_ids)
            for name, frame in tables.items():
                self._insert(con, name, frame)
            con.commit()
        except BaseException:
            con.rollback()
            raise

    @staticmethod
    def _delete(con, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        for name in ("articles", *PER_ARTICLE):
            con.execute(f"DELETE FROM {_q(name)} WHERE doc_id IN (SELECT UNNEST(?))", [doc_ids])

    @staticmethod
    def _insert(con, name: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        columns = STORED[name].columns
        con.register("incoming", frame[columns])
        try:
            con.execute(f"INSERT INTO {_q(name)} SELECT {', '.join(_q(c) for c in columns)} FROM incoming")
        finally:
            con.unregister("incoming")

    def sql(self, query: str, params: list | None = None, **frames: pd.DataFrame) -> pd.DataFrame:
        """The result of one read-only query, with each frame given registered as a view of that name."""
        with self._connect() as con:
            for name, frame in frames.items():
                con.register(name, frame)
            return con.execute(query, params or []).df()

    def table(self, name: str) -> pd.DataFrame:
        """One stored table, in the registry's row order (ties in the order they were written)."""
        table = STORED.get(name)
        if table is None:
            raise KeyError(f"no table {name!r}; the store has {', '.join(STORED)}")
        order = ", ".join([*map(_q, table.order), "rowid"])
        with self._connect() as con:
            frame = con.execute(f"SELECT {', '.join(map(_q, table.columns))} FROM {_q(name)} ORDER BY {order}").df()
        return conform(table, frame)

    def cleaned(self):
        """The cleaning tables read back: CleanResult(articles, removed, paragraphs)."""
        return CleanResult(self.table("articles")[ARTICLE_COLUMNS], self.table("removed"), self.table("paragraphs"))

    def tables(self):
        """Every analysis table, read back and harmonised across articles (`analysis.Analysis`)."""
        return harmonise(Analysis(*(self.table(name) for name in ANALYSIS_TABLES)))


def analyse_chunk(chunk: pd.DataFrame, rules, aliases: pd.DataFrame, today: date) -> tuple[dict, dict]:
    """Clean and analyse a chunk of loaded articles: its rows of every stored table, and the seconds per step.

    This is the work a Dask worker does; it reads nothing but its arguments and the package.
    """
    start = time.perf_counter()
    cleaned = clean(chunk[ARTICLE_COLUMNS], rules=rules, repeated=dict(zip(chunk["doc_id"], chunk["furniture"])))
    cleaning = time.perf_counter() - start
    tables, seconds = analyse_batch(cleaned.articles, aliases, today)
    tables.update(removed=cleaned.removed, paragraphs=cleaned.paragraphs,
                  articles=cleaned.articles.assign(store_key=chunk["store_key"].to_numpy()))
    return tables, {"clean": cleaning, **seconds}


def _config_key(rules: tuple, aliases: pd.DataFrame, model: str) -> str:
    """What every article's analysis depends on besides its own text: code, data files, rules, aliases."""
    digest = hashlib.sha256(f"{__version__}\n{code_version()}\n{model}\n{ANNOTATION_VERSION}\n".encode())
    for path in sorted(DATA_DIR.glob("*.csv")):
        digest.update(path.read_bytes())
    digest.update(repr(rules).encode())  # Rule tuples: name, action, compiled pattern text
    digest.update(aliases.to_csv(index=False).encode())
    return digest.hexdigest()[:16]


def _article_key(row, config: str, today: date, furniture: frozenset[str]) -> str:
    """Text, metadata, configuration, the site furniture it holds and the day of one article's analysis: when
    any changes, it is analysed again."""
    # The modification day matters only to an article that nothing else dates (and copying a folder changes it).
    modified = row.modified if not row.published and not url_date(row.url, today) else ""
    parts = [row.sha256, row.path, row.title, row.outlet, row.url, row.published, modified, config,
             today_in_key(today, row.modified), *sorted(furniture)]
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:20]
