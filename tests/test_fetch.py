"""`korwatch fetch` against a local HTTP server on 127.0.0.1: a feed, pages, a 404, a redirect, a slow page,
a duplicate, a non-HTML file and robots.txt. Nothing leaves the machine."""

import http.server
import threading
import time

import pandas as pd
import pytest

from korwatch_utils.input.articles import load_articles
from korwatch_utils.cli import main
from korwatch_utils.input.fetch import USER_AGENT, Fetcher, fetch

PAGE = """<html><head><title>{title}</title><meta property="article:published_time" content="{date}">
<link rel="canonical" href="{url}"></head><body><article><h1>{title}</h1>
<p>Presiden Rusia Vladimir Putin tiba di Pyongyang pada Rabu untuk bertemu pemimpin Korea Utara Kim Jong Un.
Kunjungan itu adalah yang pertama dalam 24 tahun, dan kedua pemimpin menandatangani pakta pertahanan.</p>
<p>Korea Selatan menyatakan keprihatinan mendalam atas pakta tersebut, kata Kementerian Luar Negeri di Seoul.</p>
</article></body></html>"""


class Site(http.server.BaseHTTPRequestHandler):
    """The test site; it records the User-Agent of every request."""

    agents: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Site.agents.append(self.headers.get("User-Agent", ""))
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path == "/robots.txt":
            return self._send(200, "text/plain", "User-agent: *\nDisallow: /private/\n")
        if self.path == "/feed.xml":
            items = f"<link>{base}/</link>" + "".join(f"<item><title>{name}</title><link>{base}/{name}</link></item>" for name in (
                "berita/satu", "berita/dua", "berita/hilang", "berita/pindah", "berita/lambat", "berkas/laporan.pdf",
                "private/rahasia", "berita/lama"))
            return self._send(200, "application/rss+xml",
                              f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tes</title>{items}</channel></rss>')
        if self.path == "/berita/pindah":
            self.send_response(301)
            self.send_header("Location", f"{base}/berita/tiga")
            return self.end_headers()
        if self.path == "/berita/lambat":
            time.sleep(3)
        if self.path == "/berita/latin":  # a page its server declares windows-1252
            page = PAGE.format(title="Kafe di Pyongyang", date="2024-06-19", url=base + self.path)
            return self._send(200, "text/html", page.replace("Rabu", "Rabu di kafé “Koryo”"), "windows-1252")
        if self.path == "/berkas/laporan.pdf":
            return self._send(200, "application/pdf", "%PDF-1.4 not a page")
        if self.path.startswith(("/berita/satu", "/berita/dua", "/berita/tiga", "/berita/lambat", "/berita/lama",
                                 "/private/")):
            title = f"Putin di Pyongyang {self.path.rsplit('/', 1)[1]}"
            return self._send(200, "text/html", PAGE.format(title=title, date="2024-06-19", url=base + self.path))
        return self._send(404, "text/html", "<html><body>tidak ditemukan</body></html>")

    def _send(self, status: int, kind: str, body: str, charset: str = "utf-8"):
        data = body.encode(charset)
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset={charset}")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on the slow page first, as the test wants

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def quick() -> Fetcher:
    return Fetcher(delay=0.05, timeout=1.0)


def test_a_feed_is_fetched_politely_and_every_failure_has_its_reason(site, tmp_path):
    folder = tmp_path / "berita"
    folder.mkdir()
    (folder / "metadata.csv").write_text(f"\ufefffile,published,outlet,url,title,catatan\nlama.txt,2024-06-01,,"
                                         f"{site}/berita/lama,Lama,dari analis\n", encoding="utf-8")  # Excel's BOM
    (folder / "lama.txt").write_text("Artikel lama.\n", encoding="utf-8")
    report = fetch([f"{site}/feed.xml"], folder, fetcher=quick()).set_index("url")
    assert report.loc[f"{site}/feed.xml", "status"] == "feed"
    assert report.loc[f"{site}/berita/satu", "status"] == "fetched"
    assert report.loc[f"{site}/berita/pindah", "reason"] == f"redirected to {site}/berita/tiga"
    assert report.loc[f"{site}/berita/hilang", ["status", "reason"]].tolist() == ["failed", "HTTP 404 Not Found"]
    assert report.loc[f"{site}/berita/lambat", "reason"] == "timed out"
    assert report.loc[f"{site}/berkas/laporan.pdf", "reason"] == "not HTML (application/pdf)"
    assert report.loc[f"{site}/private/rahasia", "reason"] == "disallowed by robots.txt"
    assert report.loc[f"{site}/berita/lama", "status"] == "known"
    assert f"{site}/" not in report.index  # the feed's own link to the home page is no article
    assert Site.agents and set(Site.agents) == {USER_AGENT}

    metadata = pd.read_csv(folder / "metadata.csv", dtype=str, keep_default_na=False)
    assert list(metadata.columns) == ["file", "published", "outlet", "url", "title", "catatan"]
    assert metadata.catatan.tolist()[0] == "dari analis"  # the analyst's own column and row are kept
    fetched = metadata[metadata.file != "lama.txt"]
    assert len(fetched) == 3 and set(fetched.published) == {"2024-06-19"}
    articles = load_articles(folder).articles.set_index("doc_id")
    assert any("Vladimir Putin tiba di Pyongyang" in text for text in articles.text)
    assert (articles.loc[[f.removesuffix(".txt") for f in fetched.file], "published_source"] == "metadata").all()


def test_a_second_fetch_never_downloads_a_known_url_again(site, tmp_path):
    fetch([f"{site}/berita/satu"], tmp_path, fetcher=quick())
    asked = len(Site.agents)
    report = fetch([f"{site}/berita/satu"], tmp_path, fetcher=quick())
    assert report.status.tolist() == ["known"] and len(Site.agents) == asked
    assert len(list(tmp_path.glob("*.txt"))) == 1


def test_requests_to_one_host_are_spaced_by_the_delay(site, tmp_path):
    started = time.monotonic()
    fetch([f"{site}/berita/satu", f"{site}/berita/dua"], tmp_path, fetcher=Fetcher(delay=0.5, timeout=2))
    assert time.monotonic() - started >= 1.0  # robots.txt, then two pages, each 0.5 s after the last


def test_cli_fetch_reads_a_file_of_urls_and_exits_by_what_happened(site, tmp_path, capsys):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# berita hari ini\n{site}/berita/dua\n{site}/tidak/ada\n", encoding="utf-8")
    assert main(["fetch", str(listing), "--into", str(tmp_path / "a"), "--delay", "0", "--timeout", "2"]) == 0
    out = capsys.readouterr()
    report = pd.read_csv(pd.io.common.StringIO(out.out), keep_default_na=False)
    assert report.status.tolist() == ["fetched", "failed"] and "1 failed" in out.err
    assert main(["fetch", f"{site}/tidak/ada", "--into", str(tmp_path / "b"), "--delay", "0"]) == 1
    assert main(["fetch", "bukan-url-atau-berkas", "--into", str(tmp_path / "c")]) == 2
    assert "neither an http(s) URL nor a file" in capsys.readouterr().err


def test_a_page_is_decoded_by_its_declared_charset_and_a_malformed_url_fails_alone(site, tmp_path):
    (tmp_path / "metadata.csv").write_text("", encoding="utf-8")  # an empty sidecar is no sidecar
    report = fetch(["http://[::1", f"{site}/berita/latin"], tmp_path, fetcher=quick()).set_index("url")
    assert report.loc["http://[::1", "status"] == "failed"
    assert report.loc["http://[::1", "reason"].startswith("not a valid URL")
    assert report.loc[f"{site}/berita/latin", "status"] == "fetched"
    text = (tmp_path / report.loc[f"{site}/berita/latin", "file"]).read_text(encoding="utf-8")
    assert "kafé “Koryo”" in text
