"""Fetch new articles from the web into a folder korwatch reads: `korwatch fetch SOURCE... --into FOLDER`.

The one part of korwatch that uses the network, and only when asked. A SOURCE
is an article URL, an RSS/Atom feed, or a text file listing either, one per
line. Each article is downloaded politely (a User-Agent naming korwatch,
robots.txt respected, a pause between requests to one host, timeouts, a size
limit), extracted with trafilatura (text, title, date, URL, site) and written
as one .txt with a row in the folder's metadata.csv (file, published, outlet,
url, title). A URL already in metadata.csv is never fetched again. Every
source and article gets a row in the fetch report, with the reason for each
failure.
"""

from __future__ import annotations

import http.client
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from korwatch_utils.version import __version__
from korwatch_utils.input.articles import METADATA_FIELDS, METADATA_FILE, decode_bytes, url_date

USER_AGENT = f"korwatch/{__version__} (news analysis workbook; +https://pypi.org/project/korwatch/)"
REPORT_COLUMNS = ["source", "url", "status", "reason", "file"]
FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S | re.I)


class FetchError(Exception):
    """One download that failed; the message is the reason for the report."""


@dataclass
class Fetcher:
    """Polite HTTP GETs: robots.txt per host, `delay` seconds between requests to one host, a timeout, a size cap."""

    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    user_agent: str = USER_AGENT
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    def get(self, url: str, *, check_robots: bool = True) -> tuple[str, str, bytes, str | None]:
        """(final URL after redirects, content type, body, charset the server declares) or FetchError."""
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError as error:  # "http://[::1"
            raise FetchError(f"not a valid URL: {error}") from None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError("not an http(s) URL")
        if check_robots and not self._allowed(url):
            raise FetchError("disallowed by robots.txt")
        wait = self._last.get(parts.netloc, 0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
                final, kind = response.geturl(), response.headers.get_content_type()
                charset = response.headers.get_content_charset()
        except urllib.error.HTTPError as error:
            raise FetchError(f"HTTP {error.code} {error.reason}") from None
        except (TimeoutError, OSError) as error:  # URLError, socket timeouts, refused connections
            reason = getattr(error, "reason", error)
            raise FetchError("timed out" if "timed out" in str(reason) else f"unreachable: {reason}") from None
        except (http.client.HTTPException, ValueError) as error:  # a cut-off body, a malformed URL or port
            raise FetchError(f"bad response or URL: {error.__class__.__name__}: {error}") from None
        finally:
            self._last[parts.netloc] = time.monotonic()
        if len(body) > self.max_bytes:
            raise FetchError(f"too large (over {self.max_bytes / 1e6:.1f} MB)")
        return final, kind, body, charset

    def _allowed(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in self._robots:
            parser = urllib.robotparser.RobotFileParser()
            try:
                body = self.get(f"{parts.scheme}://{parts.netloc}/robots.txt", check_robots=False)[2]
                parser.parse(body.decode("utf-8", "replace").splitlines())
            except FetchError:
                parser = None  # no robots.txt (or none reachable): everything is allowed
            self._robots[parts.netloc] = parser
        parser = self._robots[parts.netloc]
        return parser is None or parser.can_fetch(self.user_agent, url)


def read_sources(sources: list[str]) -> list[tuple[str, str]]:
    """(source as given, URL) pairs: a URL stands for itself, a file for the URLs it lists (# comments skipped).

    Raises:
        FileNotFoundError: a source is neither a URL nor a readable file.
    """
    pairs = []
    for source in sources:
        if re.match(r"https?://", source):
            pairs.append((source, source))
            continue
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"{source} is neither an http(s) URL nor a file listing URLs")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                pairs.append((source, line.strip()))
    return pairs


def known_urls(folder: Path) -> set[str]:
    """The URLs metadata.csv already lists (normalised): these are never fetched again."""
    metadata = _read_metadata(folder)
    return {_normal(url) for url in metadata.get("url", pd.Series(dtype=str))} - {""}


def _read_metadata(folder: Path) -> pd.DataFrame:
    """The folder's metadata.csv as strings, decoded as the loader decodes it (BOM, UTF-8, cp1252); empty if none."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return pd.DataFrame()
    text, _ = decode_bytes(path.read_bytes())
    if not text.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def fetch(sources: list[str], into: str | Path, *, fetcher: Fetcher | None = None) -> pd.DataFrame:
    """Fetch the articles the sources name into a folder; returns the fetch report.

    Args:
        sources: article URLs, RSS/Atom feed URLs, or files listing them.
        into: the folder (created when missing); its metadata.csv gains a row per article.
        fetcher: how to download (default `Fetcher()`: 1 s between requests to a host, 20 s timeout, 5 MB).

    Returns:
        source, url, status (fetched | known | failed | feed), reason, file: one row per feed and per article.
    """
    folder = Path(into)
    folder.mkdir(parents=True, exist_ok=True)
    fetcher = fetcher or Fetcher()
    seen = known_urls(folder)
    rows = []
    queue = read_sources(sources)
    while queue:
        source, url = queue.pop(0)
        if _normal(url) in seen:
            rows.append([source, url, "known", "already in metadata.csv", ""])
            continue
        try:
            final, kind, body, charset = fetcher.get(url)
        except FetchError as error:
            rows.append([source, url, "failed", str(error), ""])
            continue
        text = _page_text(body, charset)
        if _is_feed(kind, text):
            links = _feed_links(text, final)
            rows.append([source, url, "feed", f"{len(links)} article links", ""])
            queue[0:0] = [(url, link) for link in links]
            continue
        if _normal(final) in seen:
            rows.append([source, url, "known", f"redirects to {final}, already in metadata.csv", ""])
            continue
        if kind not in ("text/html", "application/xhtml+xml"):
            rows.append([source, url, "failed", f"not HTML ({kind})", ""])
            continue
        article = _extract(text, final)
        if article is None:
            rows.append([source, url, "failed", "no article text found in the page", ""])
            continue
        name = _write(folder, article)
        seen |= {_normal(url), _normal(final), _normal(article["url"])}
        rows.append([source, url, "fetched", "" if final == url else f"redirected to {final}", name])
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _page_text(body: bytes, charset: str | None) -> str:
    """The page decoded by the charset its server declares, else as the loader decodes files (UTF-8, cp1252)."""
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            pass
    return decode_bytes(body)[0]


def _normal(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:  # not a valid URL: it is compared as written, and its fetch fails with the reason
        return url.strip()
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def _is_feed(kind: str, text: str) -> bool:
    return kind in ("application/rss+xml", "application/atom+xml") or bool(FEED_START.match(text[:2000]))


def _feed_links(text: str, base: str) -> list[str]:
    """Article links of an RSS/Atom/JSON feed, read with trafilatura's feed parser.

    trafilatura's own link filter (handle_link_list) also drops links it judges
    invalid, such as those of a host given as an IP address; korwatch keeps every
    http(s) link the feed lists and lets the fetch report say what came of each.
    """
    from trafilatura.feeds import FeedParameters, find_links

    parts = urllib.parse.urlsplit(base)
    params = FeedParameters(f"{parts.scheme}://{parts.netloc}", parts.netloc, base, external=True)
    links = (urllib.parse.urljoin(base, link) for link in find_links(text.strip(), params))
    # A feed's own <link> names the site's home page or the feed itself, not an article.
    return list(dict.fromkeys(link for link in links if urllib.parse.urlsplit(link).scheme in ("http", "https")
                              and urllib.parse.urlsplit(link).path.strip("/") and _normal(link) != _normal(base)))


def _extract(html: str, url: str) -> dict | None:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None or not (doc.text or "").strip():
        return None
    in_url = url_date(url)  # the URL's date, where it has one, is the most reliable (benchmarks/reference_dates.py)
    return {"text": doc.text, "title": doc.title or "", "published": in_url.isoformat() if in_url else doc.date or "",
            "outlet": doc.sitename or "", "url": doc.url or url}


def _write(folder: Path, article: dict) -> str:
    """The article as <date>_<slug>.txt (a new name, never overwriting) and its metadata.csv row."""
    slug = re.sub(r"[^a-z0-9]+", "-", (article["title"] or urllib.parse.urlsplit(article["url"]).path).lower())
    stem = f"{article['published'] or 'undated'}_{slug.strip('-')[:60] or 'article'}"
    path, number = folder / f"{stem}.txt", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.txt"
    path.write_text(article["text"].strip() + "\n", encoding="utf-8")
    metadata = folder / METADATA_FILE
    row = pd.DataFrame([{"file": path.name, **{name: article[name] for name in METADATA_FIELDS}}])
    table = pd.concat([_read_metadata(folder), row], ignore_index=True)  # every column and row the analyst's has
    partial = metadata.with_suffix(".csv.tmp")
    table.fillna("").to_csv(partial, index=False)
    partial.replace(metadata)  # atomic: an interrupted fetch never leaves half a metadata.csv
    return path.name
