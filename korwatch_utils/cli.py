"""`korwatch ...`: the headless twin of the notebooks, writing CSV."""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import pandas as pd

from korwatch_utils.version import __version__
from korwatch_utils.analyses.analysis import analyse, chunked
from korwatch_utils.analyses.attribution import KINDS, default_min_confidence, quotes
from korwatch_utils.input.articles import DEFAULT_MAX_BYTES, load_articles
from korwatch_utils.text.cleaning import (
    MODEL_RULE, REPEATED_RULE, clean, cleaning_report, load_rules, removed_by_rule, size_summary,
)
from korwatch_utils.storage.cluster import SCHEDULER_ENV, ClusterError, connect, on_workers
from korwatch_utils.analyses.entities import (
    TOTAL_COLUMNS, analyst_aliases, cooccurrence, entity_table, filter_entities, mentions_per_article,
    suggest_aliases,
)
from korwatch_utils.input.fetch import Fetcher, fetch
from korwatch_utils.nlp.ner import (
    ENTITY_TYPES, THREADS_DEFAULT, THREADS_ENV, Annotations, ModelFilesError, annotate,
)
from korwatch_utils.notebooks import execute_notebooks
from korwatch_utils.views.report import html_report
from korwatch_utils.analyses.stance import STANCE_CATEGORIES, filter_cues, stance_matrix
from korwatch_utils.storage import queries
from korwatch_utils.storage.store import STORE_FILE, Store, StoreError, default_store_path
from korwatch_utils.analyses.export import EVENT_FIELDS, FORMATS, coded_events
from korwatch_utils.tables import columns, join_lists
from korwatch_utils.analyses.outlets import (
    OUTLET_FREQUENCIES, article_outlets, compare_outlets, outlet_attention, outlet_stance, outlet_summary,
    outlet_voices,
)
from korwatch_utils.analyses.trends import FREQUENCIES, pair_balance, top_pair, trends
from korwatch_utils.text.outlets import NO_OUTLET, OUTLETS_FILE, outlet_aliases
from korwatch_utils.analyses.timeline import dates_to_settle

# The commands that analyse articles, and so take --workers and --scheduler.
ANALYSING = {"ner", "mentions", "entities", "cooccurrence", "suggest-aliases", "stance-matrix", "timeline", "stance",
             "entity-totals", "trends", "events-export", "quotes", "outlets", "mentions-per-article",
             "merged-spellings", "run"}
# The commands that show cleaning alone: with a folder they clean it in memory and run no model.
CLEANING_COMMANDS = {"report", "clean", "removed", "by-rule", "summary", "paragraphs"}
CLEAN_COLUMNS = ["doc_id", "title", "published", "outlet", "url", "lang", "n_chars", "text"]
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS_FAILED = 3  # exit status of a run whose CSVs and report were written but a notebook failed


class UsageError(Exception):
    """A problem with what the user asked for: printed on one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `korwatch` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "threads", None):
        os.environ[THREADS_ENV] = str(max(1, args.threads))  # read when the models load (here or in a kernel)
    try:
        return args.handler(args)
    except (UsageError, ModelFilesError, StoreError, ClusterError, FileNotFoundError, NotADirectoryError,
            FileExistsError, IsADirectoryError, PermissionError, ValueError) as error:
        print(f"korwatch: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `korwatch clean seeds | head`
        return 0
    except Exception as error:
        import duckdb  # imported here: only a failing command pays for it

        if not isinstance(error, duckdb.Error):  # a damaged block, a full disk; anything else is a bug
            raise
        print(f"korwatch: error: the store cannot be read or written: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2


def _megabytes(value: str) -> float:
    """--max-mb: a positive, finite number of megabytes."""
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = math.nan
    if not (0 < megabytes < math.inf):
        raise argparse.ArgumentTypeError(f"not a positive number of megabytes: {value!r}")
    return megabytes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="korwatch",
        description="Analyse Indonesian news about the Korean Peninsula and Russia. "
        "Each command reads a folder or files of articles and writes CSV to stdout. Table commands answer "
        "from a store beside the folder, analysing only new and changed articles first; with --store FILE "
        "and no folder they answer from that store alone.",
    )
    parser.add_argument("--version", action="version", version=f"korwatch {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND", dest="command")
    _command(commands, "report", _report, "Write the load report as CSV: every file loaded or skipped (with why), "
             "every metadata.csv value that could not be used (field, value, why), and every article whose "
             "cleaning was undone rather than remove most of its prose, left empty, or not in Indonesian.")
    for name, (help_text, _) in TABLE_COMMANDS.items():
        sub = _command(commands, name, _table, help_text)
        if name == "stance-matrix":
            _min_confidence(sub)
    _add_filtered_commands(commands)
    _add_outlets(commands)
    _add_fetch(commands)
    run = _command(commands, "run", _run, "Bring the store up to date with the folder (only new and changed "
                   "articles are analysed), then write CSVs, report.html and the executed notebooks to --out.")
    run.add_argument("--out", default="outputs", help="output folder (default %(default)s)")
    run.add_argument("--notebooks", default=str(NOTEBOOKS_DIR), help="folder of the numbered notebooks")
    return parser


def _command(commands, name: str, handler, help_text: str, *, cleans: bool = True) -> argparse.ArgumentParser:
    """A subcommand reading PATH...; one that cleans takes --rules and --aliases, one that analyses --workers."""
    description = help_text
    if name in COMMAND_TABLES:  # the columns come from the table registry, so the help cannot drift
        description += f" Columns: {', '.join(columns(COMMAND_TABLES[name]))}."
    sub = commands.add_parser(name, help=help_text, description=description)
    sub.add_argument("path", nargs="*" if cleans else "+", metavar="PATH",
                     help="a folder of articles, or article files" + (" (none: answer from --store alone)"
                                                                       if cleans and name != "run" else ""))
    sub.add_argument("--max-mb", type=_megabytes, default=DEFAULT_MAX_BYTES / 1e6,
                     help="skip files larger than this many MB (default %(default)s)")
    if cleans and name != "run":
        sub.add_argument("--keep", action="append", metavar="RULE",
                         help="keep what this rule would remove (repeatable; 'model': the line classifier's "
                         "removals; 'repeated': lines found in 3 or more articles of one site); "
                         "`korwatch by-rule` lists the rules")
    if cleans:
        sub.add_argument("--store", metavar="FILE",
                         help="the DuckDB store of the folder's analysis (default: <folder>.korwatch/korwatch.duckdb "
                         "beside it; files or several folders use a temporary one)")
        sub.add_argument("--rules", metavar="CSV",
                         help="an extra boilerplate rules file, applied after the shipped rules")
        sub.add_argument("--aliases", metavar="CSV",
                         help="an extra alias table (alias, entity, type) over the shipped one; "
                         "default: aliases.csv in the input folder, if there is one")
    if name in ANALYSING:
        sub.add_argument("--threads", type=int, metavar="N",
                         help=f"torch threads in each process (default ${THREADS_ENV}, else {THREADS_DEFAULT}: one "
                         "per process keeps two korwatch processes from slowing each other down)")
        sub.add_argument("--workers", type=int, metavar="N",
                         help="analyse on N local worker processes, one thread each (default: one per core; "
                         "1: in this process)")
        sub.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                         help=f"analyse on the workers of a running Dask scheduler (default ${SCHEDULER_ENV})")
    sub.set_defaults(handler=handler)
    return sub


def _add_filtered_commands(commands) -> None:
    """stance, entity-totals, trends and events-export, with the filters of the notebooks' widgets."""
    stance = _command(commands, "stance", _stance, "Write the stance statements as CSV: who takes which position "
                      "towards whom, with the sentence, the attributor's confidence (the probability the row is "
                      "right) and how the speaker was found.")
    stance.add_argument("--speaker", action="append", help="keep cues of this speaker (repeatable)")
    stance.add_argument("--target", action="append", help="keep cues towards this target (repeatable)")
    stance.add_argument("--category", action="append", choices=STANCE_CATEGORIES, help="keep this category (repeatable)")
    stance.add_argument("--kind", action="append", choices=KINDS, help="keep this kind of statement (repeatable)")
    _min_confidence(stance)
    said = _command(commands, "quotes", _quotes, "Write who said what as CSV: the statements quoted directly or "
                    "partly, or reported, with their content (doc_id, sent_id, kind, speaker, speaker_text, "
                    "speaker_source, cue, category, target, content, confidence).")
    said.add_argument("--speaker", action="append", help="keep statements of this speaker (repeatable)")
    _min_confidence(said)
    totals = _command(commands, "entity-totals", _entity_totals,
                      f"Write entity totals over all articles ({', '.join(TOTAL_COLUMNS)}) as CSV, "
                      "with the filters of notebook 02's widgets.")
    totals.add_argument("--type", action="append", choices=ENTITY_TYPES, help="keep this type (repeatable)")
    totals.add_argument("--min-mentions", type=int, default=1, help="keep entities mentioned this often")
    totals.add_argument("--doc", action="append", metavar="DOC_ID", help="count only this article (repeatable)")
    totals.add_argument("--search", default="", help="keep names containing this text")
    totals.add_argument("--no-merge", action="store_true", help="count names as written, without aliases")
    per_article = _command(commands, "mentions-per-article", _mentions_per_article,
                           "Write the mentions of the most mentioned entities in the articles that name them most "
                           "as CSV: entities as rows, articles as columns (notebook 02's table).")
    per_article.add_argument("--top", type=int, default=20, help="entities, the most mentioned (default 20)")
    per_article.add_argument("--articles", type=int, default=30, help="articles, those naming them most (default 30)")
    _command(commands, "merged-spellings", _merged_spellings, "Write every way a mention was written that differs "
             "from the entity it is counted under (text, entity, type, mentions) as CSV: what the aliases and the "
             "name rules merged.")
    trend = _command(commands, "trends", _trends, "Write mentions and negative / positive stance cues per period "
                     "and entity (period, entity, type, mentions, articles, negative, positive, ambiguous_articles) "
                     "as CSV, by each article's reference date; articles without a date are left out and counted "
                     "on stderr.")
    trend.add_argument("--freq", choices=FREQUENCIES, default="month", help="ISO weeks or months (default month)")
    trend.add_argument("--type", action="append", choices=ENTITY_TYPES, help="keep this type (repeatable)")
    trend.add_argument("--entity", action="append", help="keep this entity (repeatable)")
    trend.add_argument("--exclude-ambiguous", action="store_true",
                       help="leave out articles whose reference date is ambiguous")
    trend.add_argument("--balance", nargs="*", metavar="NAME",
                       help="write instead the negative and positive cues from one speaker towards one target per "
                       "period (period, negative, positive), as notebook 05 charts them: --balance SPEAKER TARGET, "
                       "or --balance alone for the pair with the most cues in dated articles")
    _min_confidence(trend)
    export = _command(commands, "events-export", _events_export, "Write one coded event per stance cue with a "
                      f"speaker or a target, as JSON lines (or CSV): {', '.join(EVENT_FIELDS)}; event_type is "
                      "PLOVER's, or the CAMEO root code.")
    export.add_argument("--format", choices=FORMATS, default="plover", help="event types (default plover)")
    export.add_argument("--csv", action="store_true", help="write a CSV table instead of JSON lines")
    _outlets_option(export)
    _min_confidence(export)


def _min_confidence(command: argparse.ArgumentParser) -> None:
    command.add_argument("--min-confidence", type=float, metavar="P",
                         help="keep stance rows at least this likely right (0-1; default: the attributor's "
                         "threshold, which the stance table already applies; 0.8 keeps rows right about 9 times "
                         "in 10 on held-out articles)")


def _add_outlets(commands) -> None:
    outlets = _command(commands, "outlets", _outlets, "Write per outlet and period: articles, mentions and statements "
                       "(summary), each entity's share of the outlet's attention (attention), the speakers it "
                       "quotes and its share of direct quotes (voices), or negative and positive statements per "
                       "speaker and target (stance), every share with a 95 percent Wilson interval and a flag where an "
                       "outlet has too few articles; --compare A B: attention in A minus B over the periods both "
                       "covered.")
    outlets.add_argument("--table", choices=("summary", "attention", "voices", "stance"), default="summary",
                         help="which table (default summary)")
    outlets.add_argument("--freq", choices=OUTLET_FREQUENCIES, default="month",
                         help="periods: ISO weeks, months or all articles together (default month)")
    outlets.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two outlets' attention")
    _outlets_option(outlets)


def _chosen_outlet_aliases(args) -> dict[str, str]:
    """The outlet aliases: the shipped table, then --outlets or else outlets.csv in the input folder."""
    folder = Path(args.path[0]) if len(args.path) == 1 and Path(args.path[0]).is_dir() else None
    if args.outlets and not Path(args.outlets).is_file():
        raise UsageError(f"--outlets {args.outlets}: no such file")
    return outlet_aliases(args.outlets or (folder / OUTLETS_FILE if folder else None))


def _outlets_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--outlets", metavar="CSV", help="an extra outlet alias table (alias, outlet); default: "
                         "outlets.csv in the input folder, if there is one")


def _outlets(args) -> int:
    aliases = _chosen_outlet_aliases(args)
    with _corpus(args) as corpus:
        if corpus.store:
            articles, references = queries.article_fields(corpus.store, "outlet", "url"), \
                corpus.store.table("references")
            entities = queries.entity_table(corpus.store)
        else:
            articles, references = corpus.cleaned.articles, corpus.analysis.references
            entities = entity_table(corpus.analysis.mentions)
        outlets = article_outlets(articles, references, freq=args.freq, aliases=aliases)
        unnamed = int((outlets["outlet"] == NO_OUTLET).sum())
        if unnamed:
            which = "no article names its outlet" if unnamed == len(outlets) else \
                f"{unnamed} of {len(outlets)} articles name no outlet"
            print(f"{which} (metadata, URL or dateline credit): counted under '{NO_OUTLET}'", file=sys.stderr)
        if args.compare:
            known = set(outlets["outlet"])
            missing = [name for name in args.compare if name not in known]
            if missing:
                raise UsageError(f"no outlet {', '.join(map(repr, missing))}; the outlets are: "
                                 f"{', '.join(sorted(known))}")
            return _write(compare_outlets(outlet_attention(outlets, entities), outlets, *args.compare))
        if args.table == "summary":
            return _write(outlet_summary(outlets, entities, corpus.cues))
        if args.table == "attention":
            return _write(outlet_attention(outlets, entities))
        return _write(outlet_voices(outlets, corpus.cues) if args.table == "voices" else
                      outlet_stance(outlets, corpus.cues))


def _add_fetch(commands) -> None:
    fetch = commands.add_parser(
        "fetch", help="Download articles (URLs, RSS/Atom feeds, or files listing them) into a folder.",
        description="Download articles into FOLDER as .txt files with rows in its metadata.csv (file, published, "
        "outlet, url, title), politely: a User-Agent naming korwatch, robots.txt respected, a pause between "
        "requests to one host, timeouts. A URL already in metadata.csv is not fetched again. Writes the fetch "
        "report (source, url, status, reason, file) as CSV; exit status 0 when anything was fetched or nothing "
        "failed, 1 when everything failed.")
    fetch.add_argument("source", nargs="+", metavar="SOURCE", help="an article URL, a feed URL, or a file of URLs")
    fetch.add_argument("--into", required=True, metavar="FOLDER", help="the folder of articles to add to")
    fetch.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host (default 1)")
    fetch.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a page (default 20)")
    fetch.add_argument("--max-mb", type=_megabytes, default=DEFAULT_MAX_BYTES / 1e6,
                       help="skip pages larger than this many MB (default %(default)s)")
    fetch.set_defaults(handler=_fetch)


def _load(args):
    return load_articles(args.path, max_bytes=int(args.max_mb * 1e6))


def _clean_all(args):
    loaded = _load(args)
    rules = load_rules(args.rules)
    unknown = sorted(set(args.keep or ()) - {rule.rule for rule in rules} - {MODEL_RULE, REPEATED_RULE})
    if unknown:
        raise UsageError(f"--keep names no rule: {', '.join(unknown)} (`korwatch by-rule PATH` lists the rules at "
                         f"work; '{MODEL_RULE}' is the line classifier, '{REPEATED_RULE}' a site's repeated lines)")
    return loaded, clean(loaded.articles, rules=rules, keep=args.keep or ())


def _write(frame: pd.DataFrame) -> int:
    join_lists(frame).to_csv(sys.stdout, index=False)
    return 0


class Corpus:
    """What a table command answers from: a store, or the folder cleaned (and, asked for, analysed) afresh in
    memory: with --keep (the store holds the default cleaning) or for a command that shows cleaning alone.
    Tables are read when first asked for."""

    def __init__(self, args, store: Store | None):
        self.args, self.store = args, store

    @cached_property
    def _fresh(self):
        return _clean_all(self.args)

    @cached_property
    def load_report(self) -> pd.DataFrame:
        return self.store.table("load_report") if self.store else self._fresh[0].report

    @cached_property
    def cleaned(self):
        return self.store.cleaned() if self.store else self._fresh[1]

    @cached_property
    def analysis(self):
        return self.store.tables() if self.store else _fresh_analysis(self.cleaned, self.args)

    @cached_property
    def cues(self) -> pd.DataFrame:
        """The stance table, harmonised (from a store without reading its mentions)."""
        return queries.cues(self.store) if self.store else self.analysis.cues


@contextmanager
def _corpus(args):
    """The Corpus of a command: `_synced_store`; PATH cleaned afresh in memory where --keep changes the cleaning
    or the command shows cleaning alone (no model runs for it; with no PATH it reads the store too)."""
    if getattr(args, "keep", None) or (args.command in CLEANING_COMMANDS and args.path):
        if not args.path:
            raise UsageError("--keep cleans PATH afresh (the store holds the default cleaning): give PATH")
        yield Corpus(args, None)
        return
    with _synced_store(args) as store:
        yield Corpus(args, store)


@contextmanager
def _synced_store(args):
    """The store of PATH brought up to date with it (only new and changed articles analysed); with no PATH,
    the --store file alone, read as it is."""
    if not args.path:
        if not args.store:
            raise UsageError("give PATH (a folder or files of articles), or --store FILE to answer from a store alone")
        if not Path(args.store).is_file():
            raise StoreError(f"no store at {args.store}")
        yield Store(args.store, migrate=False)  # read alone: an older schema is refused, never dropped
        return
    folder = len(args.path) == 1 and Path(args.path[0]).is_dir()
    if args.store and not folder:
        raise UsageError("--store keeps the analysis of one folder: give that folder as PATH")
    with tempfile.TemporaryDirectory(prefix="korwatch-") as work:
        path = Path(args.store) if args.store else default_store_path(args.path[0]) if folder else Path(work) / STORE_FILE
        store = Store(path)
        synced = store.sync(args.path[0] if folder else args.path, args.rules, args.aliases,
                            max_bytes=int(args.max_mb * 1e6), workers=getattr(args, "workers", 1),
                            scheduler=getattr(args, "scheduler", None), progress=False)
        print(f"store {path if folder else 'for these files'}: {synced}", file=sys.stderr)
        yield store


def _report(args) -> int:
    with _corpus(args) as corpus:
        return _write(pd.concat([corpus.load_report, cleaning_report(corpus.cleaned.articles)], ignore_index=True))


def _table(args) -> int:
    with _corpus(args) as corpus:
        return _write(TABLE_COMMANDS[args.command][1](corpus, args))


def _workers(args, articles: pd.DataFrame):
    """Where the articles are analysed: `cluster.connect` from --workers and --scheduler."""
    return connect(args.workers, args.scheduler, chunks=len(chunked(articles)))


def _annotations(cleaned, args):
    with _workers(args, cleaned.articles) as client:
        done = on_workers(client)(annotate, chunked(cleaned.articles) or [cleaned.articles])
    return Annotations(*(pd.concat([chunk[part] for chunk in done], ignore_index=True) for part in range(2)))


def _aliases(args):
    """The shipped alias table plus --aliases, or else aliases.csv in the (one) input folder."""
    return analyst_aliases(args.path[0] if len(args.path) == 1 else None, args.aliases)


def _fresh_analysis(cleaned, args):
    with _workers(args, cleaned.articles) as client:
        return analyse(cleaned.articles, _aliases(args), map_chunks=on_workers(client))


def _stance(args) -> int:
    with _corpus(args) as corpus:
        cues = _confident_cues(corpus.cues, args)
        return _write(filter_cues(cues, speakers=args.speaker, targets=args.target, categories=args.category,
                                  kinds=args.kind))


def _quotes(args) -> int:
    with _corpus(args) as corpus:
        cues = filter_cues(_confident_cues(corpus.cues, args), speakers=args.speaker)
        return _write(quotes(cues, corpus.cleaned.articles))


def _chosen_min_confidence(args) -> float:
    """The chosen minimum confidence of stance rows, said on stderr (the table holds no row below the
    attributor's default, so a lower value changes nothing and is said so)."""
    default = default_min_confidence()
    minimum = max(default, args.min_confidence if args.min_confidence is not None else default)
    said = ("the default" if args.min_confidence is None or args.min_confidence == default else
            "the default: no row is below it" if args.min_confidence < default else "")
    print(f"stance rows with confidence >= {minimum:.2f}{f' ({said})' if said else ''}", file=sys.stderr)
    return minimum


def _confident_cues(cues: pd.DataFrame, args) -> pd.DataFrame:
    return filter_cues(cues, min_confidence=_chosen_min_confidence(args))


def _entity_totals(args) -> int:
    options = dict(types=args.type, min_mentions=args.min_mentions, doc_ids=args.doc, search=args.search,
                   merge=not args.no_merge)
    with _corpus(args) as corpus:
        return _write(queries.entity_totals(corpus.store, **options) if corpus.store else
                      filter_entities(corpus.analysis.mentions, **options))


def _mentions_per_article(args) -> int:
    with _corpus(args) as corpus:
        if corpus.store:
            top = list(queries.entity_totals(corpus.store)["entity"].head(args.top))
            table = queries.entity_table(corpus.store, top)
        else:
            top = list(filter_entities(corpus.analysis.mentions)["entity"].head(args.top))
            table = entity_table(corpus.analysis.mentions)
    return _write(mentions_per_article(table, top, args.articles).rename_axis("entity").reset_index())


def _merged_spellings(args) -> int:
    with _corpus(args) as corpus:
        if not corpus.store:
            raise UsageError("merged-spellings reads the store, which holds the default cleaning: drop --keep")
        return _write(queries.merged_spellings(corpus.store))


# The commands that write a table of the registry (`tables.TABLES`): their help lists its columns.
COMMAND_TABLES = {"report": "load_report", "removed": "removed", "paragraphs": "paragraphs", "ner": "mentions",
                  "mentions": "mentions", "stance": "cues", "references": "references", "dates": "dates",
                  "timeline": "events"}
# command -> (help, function from the Corpus and the arguments to the table it writes)
TABLE_COMMANDS = {
    "clean": ("Write the cleaned articles (doc_id, title, published, outlet, url, lang, n_chars, text) as CSV.",
              lambda corpus, args: corpus.cleaned.articles[CLEAN_COLUMNS]),
    "removed": ("Write every removed line or fragment with its rule (\"model\" where the line classifier alone removed "
                "it) and the classifier's boilerplate score as CSV.",
                lambda corpus, args: corpus.cleaned.removed),
    "by-rule": ("Write removals grouped by rule (rule, removals, articles, mean_score, example) as CSV.",
                lambda corpus, args: removed_by_rule(corpus.cleaned.removed)),
    "summary": ("Write per-article sizes before and after cleaning as CSV.",
                lambda corpus, args: size_summary(corpus.cleaned)),
    "paragraphs": ("Write every input paragraph with its language and the rule that removed it as CSV.",
                   lambda corpus, args: corpus.cleaned.paragraphs),
    "ner": ("Write the entity mentions found by the shipped Stanza model in the cleaned articles as CSV; entity is "
            "the text as tagged.",
            lambda corpus, args: _annotations(corpus.cleaned, args).mentions),
    "mentions": ("Write the entity mentions with canonical entity names, types and country codes as CSV.",
                 lambda corpus, args: corpus.analysis.mentions),
    "entities": ("Write mentions per article and canonical entity (doc_id, entity, type, mentions) as CSV.",
                 lambda corpus, args: queries.entity_table(corpus.store) if corpus.store else
                 entity_table(corpus.analysis.mentions)),
    "cooccurrence": ("Write pairs of entities named in the same sentence (entity_a, entity_b, sentences, "
                     "articles, doc_ids) as CSV.",
                     lambda corpus, args: queries.cooccurrence(corpus.store) if corpus.store else
                     cooccurrence(corpus.analysis.mentions)),
    "suggest-aliases": ("Write likely spelling variants and short forms of the same name (alias, entity, type, "
                        "score, reason, ...) as CSV, to confirm into an aliases.csv.",
                        lambda corpus, args: suggest_aliases(
                            queries.mention_counts(corpus.store) if corpus.store else corpus.analysis.mentions)),
    "stance-matrix": ("Write speaker x target counts of stance cues by polarity (speaker, target, negative, neutral, "
                      "positive, total) as CSV.",
                      lambda corpus, args: queries.stance_matrix(corpus.store,
                                                                 min_confidence=_chosen_min_confidence(args))
                      if corpus.store else stance_matrix(_confident_cues(corpus.analysis.cues, args))),
    "references": ("Write each article's reference date as CSV: published, else the URL's or the HTML page's date, "
                   "else inferred from the text, else unknown.",
                   lambda corpus, args: corpus.analysis.references),
    "dates-to-settle": ("Write the articles whose reference date is ambiguous or unknown (doc_id, file, reference, "
                        "source, candidates, evidence, settle) as CSV, with what would settle each.",
                        lambda corpus, args: dates_to_settle(corpus.analysis.references, corpus.cleaned.articles)),
    "dates": ("Write every date expression, resolved where it can be, as CSV.",
              lambda corpus, args: corpus.analysis.dates),
    "timeline": ("Write the events table as CSV: one row per dated sentence; list cells joined with '; '.",
                 lambda corpus, args: queries.events(corpus.store) if corpus.store else corpus.analysis.events),
}


def _fetch(args) -> int:
    report = fetch(args.source, args.into, fetcher=Fetcher(delay=args.delay, timeout=args.timeout,
                                                          max_bytes=int(args.max_mb * 1e6)))
    _write(report)
    fetched, failed = (report["status"] == "fetched").sum(), (report["status"] == "failed").sum()
    print(f"fetched {fetched} article(s) into {args.into}; {failed} failed, "
          f"{(report['status'] == 'known').sum()} already there", file=sys.stderr)
    return 0 if fetched or not failed else 1


def _trends(args) -> int:
    if args.balance is not None:
        return _pair_balance(args)
    options = dict(freq=args.freq, types=args.type, entities=args.entity, exclude_ambiguous=args.exclude_ambiguous)
    with _corpus(args) as corpus:
        if corpus.store:
            found = queries.trends(corpus.store, min_confidence=_chosen_min_confidence(args), **options)
        else:
            analysis = corpus.analysis
            found = trends(analysis.mentions, _confident_cues(analysis.cues, args), analysis.references, **options)
    print(f"{found.undated} article(s) without a date left out; {found.ambiguous} with an ambiguous date "
          f"{'left out' if args.exclude_ambiguous else 'kept (ambiguous_articles)'}", file=sys.stderr)
    return _write(found.table)


def _pair_balance(args) -> int:
    """`trends --balance`: notebook 05's stance balance of one pair."""
    if len(args.balance) not in (0, 2):
        raise UsageError("--balance takes a speaker and a target, or nothing (the pair with the most cues)")
    with _corpus(args) as corpus:
        if corpus.store:
            cues, references = queries.cues(corpus.store), corpus.store.table("references")
        else:
            cues, references = corpus.analysis.cues, corpus.analysis.references
    cues = _confident_cues(cues, args)
    pair = tuple(args.balance) or top_pair(cues, references)
    if pair is None:
        raise UsageError("no cue in a dated article names both a speaker and a target")
    print(f"pair: {pair[0]} -> {pair[1]}", file=sys.stderr)
    return _write(pair_balance(cues, references, *pair, freq=args.freq))


def _events_export(args) -> int:
    aliases = _chosen_outlet_aliases(args)
    with _corpus(args) as corpus:
        analysis = corpus.analysis
        events = coded_events(_confident_cues(analysis.cues, args), analysis.events, analysis.references,
                              corpus.cleaned.articles, args.format, aliases=aliases)
    if args.csv:
        return _write(events)
    events.to_json(sys.stdout, orient="records", lines=True, force_ascii=False)
    return 0


def _run(args) -> int:
    if len(args.path) != 1 or not Path(args.path[0]).is_dir():
        raise UsageError("run takes one folder of articles")
    source = Path(args.path[0]).resolve()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store_path = Path(args.store) if args.store else default_store_path(source)
    store = Store(store_path)
    synced = store.sync(source, args.rules, args.aliases, max_bytes=int(args.max_mb * 1e6), workers=args.workers,
                        scheduler=args.scheduler)
    print(f"store {store_path}: {synced}", file=sys.stderr)
    cleaned, analysis = store.cleaned(), store.tables()
    tables = {
        "load_report": pd.concat([store.table("load_report"), cleaning_report(cleaned.articles)],
                                 ignore_index=True),
        "articles": cleaned.articles[CLEAN_COLUMNS],
        "removed": cleaned.removed,
        "paragraphs": cleaned.paragraphs,
        "summary": size_summary(cleaned),
        **analysis._asdict(),
        "entities": entity_table(analysis.mentions),
        "cooccurrence": cooccurrence(analysis.mentions),
        "stance_matrix": stance_matrix(analysis.cues),
    }
    notebooks = sorted(Path(args.notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise UsageError(f"no numbered notebooks in {args.notebooks}")
    from tqdm.auto import tqdm

    for name in tqdm([*tables, "report"], desc="writing outputs", unit="file"):
        if name == "report":
            page = html_report(str(source), tables["load_report"], cleaned, analysis, pairs=tables["cooccurrence"],
                               outlet_aliases=outlet_aliases(source / OUTLETS_FILE))
            (out / "report.html").write_text(page, encoding="utf-8")
        else:
            join_lists(tables[name]).to_csv(out / f"{name}.csv", index=False)
    parameters = {"input_dir": str(source), "rules_file": str(Path(args.rules).resolve()) if args.rules else None,
                  "aliases_file": str(Path(args.aliases).resolve()) if args.aliases else None,
                  "store_path": str(store_path.resolve()), "workers": args.workers, "max_mb": args.max_mb,
                  "sync": False,  # synced once above
                  # Widgets need a browser; headless, a widget cell can also stall the notebook client
                  # (jupyter/nbclient#312), so the executed copies show the static views only.
                  "interactive": False}
    runs = execute_notebooks(notebooks, out, parameters)
    failed = [run.name for run in runs if not run.ok]
    print(f"wrote {len(tables)} CSVs, report.html and {len(notebooks) - len(failed)} of {len(notebooks)} notebooks "
          f"to {out}", file=sys.stderr)
    if failed:
        print(f"korwatch: error: {len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return NOTEBOOKS_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
