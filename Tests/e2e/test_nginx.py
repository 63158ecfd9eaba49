"""deploy/nginx/lathund.conf, run by the real nginx (conftest.Nginx), against what an attacker sends: folder
redirects never carry the request's Host, and nothing whose name starts with a dot is served."""

import http.client

import pytest

from conftest import CSP, FILE_CSP, Nginx

SECRET = "HEMLIGT-INNEHALL"


def request(server, path, host="127.0.0.1"):
    """GET `path` exactly as written, with the given Host header; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("nginx-site")
    (root / "index.html").write_text("<!DOCTYPE html><title>Start</title><p>Start</p>\n", encoding="utf-8")
    (root / "404.html").write_text("<!DOCTYPE html><title>Sidan finns inte</title><h1>Sidan finns inte</h1>\n",
                                   encoding="utf-8")
    (root / "regelverk").mkdir()
    (root / "regelverk" / "index.html").write_text("<!DOCTYPE html><title>Regelverk</title>\n", encoding="utf-8")
    # What a careless copy or a tool can leave in the served folder.
    (root / ".env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"[remote]\n  url = {SECRET}\n", encoding="utf-8")
    (root / "regelverk" / ".utkast.md").write_text(SECRET, encoding="utf-8")
    (root / ".well-known").mkdir()
    (root / ".well-known" / "index.html").write_text(SECRET, encoding="utf-8")
    # Files copied from content/ that allow_file_types: let through (issue 18).
    (root / "x").mkdir()
    (root / "x" / "raw.html").write_text('<!DOCTYPE html><script src="/x/evil.js"></script>\n', encoding="utf-8")
    (root / "x" / "evil.js").write_text("document.documentElement.setAttribute('data-pwned', 'ja');\n", encoding="utf-8")
    (root / "x" / "figur.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")
    (root / "x" / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script href="/x/evil.js"/></svg>\n',
                                         encoding="utf-8")
    # The control: the same markup as one of Lathund's pages, whose policy lets the site's scripts run.
    (root / "y").mkdir()
    (root / "y" / "index.html").write_text((root / "x" / "raw.html").read_text(encoding="utf-8"), encoding="utf-8")
    with Nginx(root) as running:
        yield running


def test_folder_redirects_are_paths_not_urls_from_the_host_header(server):
    for host in ("evil.example", "evil.example:8080", "127.0.0.1"):
        status, headers, _ = request(server, "/regelverk", host=host)
        assert status == 301, host
        assert headers["location"] == "/regelverk/", f"Host {host!r} gave Location {headers['location']!r}"


@pytest.mark.parametrize("path", [
    "/.env", "/.git/config", "/.git/", "/regelverk/.utkast.md", "/.well-known/",
    "/%2eenv", "/%2Egit/config", "/regelverk/%2eutkast.md", "/regelverk/../.env", "//.env", "/./.env",
])
def test_nothing_whose_name_starts_with_a_dot_is_served(server, path):
    status, headers, body = request(server, path)
    assert status == 404, f"{path} gave {status}"
    assert SECRET not in body
    assert "Sidan finns inte" in body, "the site's own 404 page"
    assert "content-security-policy" in headers, "the server's headers are on the 404 too"


def test_ordinary_paths_are_still_served(server):
    assert request(server, "/")[0] == 200
    assert request(server, "/regelverk/")[0] == 200
    status, _, body = request(server, "/finns-inte/")
    assert status == 404 and "Sidan finns inte" in body


@pytest.mark.parametrize("path", ["/x/raw.html", "/x/evil.js", "/x/figur.svg", "/x/raw.html?a=/"])
def test_files_that_are_not_pages_are_sandboxed(server, path):
    """A file copied from content/ cannot run script when opened on its own, even HTML that loads the site's own
    script (script-src 'self' would allow it)."""
    status, headers, _ = request(server, path)
    assert headers["content-security-policy"] == FILE_CSP, path
    assert "sandbox" in FILE_CSP and "script-src" not in FILE_CSP and "default-src 'none'" in FILE_CSP
    assert status == 200, path


@pytest.mark.parametrize("path", ["/", "/index.html", "/regelverk/", "/regelverk/index.html", "/finns-inte/",
                                  "/x/raw.html/"])
def test_pages_keep_the_sites_policy(server, path):
    _, headers, _ = request(server, path)
    assert headers["content-security-policy"] == CSP, path


def test_copied_html_and_svg_cannot_run_the_sites_script_in_chromium(server, _browser):
    """The probe's attack, in Chromium: HTML and SVG copied from content/ that load the site's own /x/evil.js.
    The same HTML as a page of the site runs it (the control: the test can see a script run); as copied files
    neither does."""
    def pwned():
        return _browser.execute_script("return document.documentElement.getAttribute('data-pwned')")

    try:
        _browser.get(f"http://127.0.0.1:{server.port}/y/")
        assert pwned() == "ja", "the control page must run the script"
        for path in ("/x/raw.html", "/x/evil.svg"):
            _browser.get(f"http://127.0.0.1:{server.port}{path}")
            assert pwned() is None, f"{path} ran the site's script"
    finally:
        _browser.get("about:blank")
        _browser.get_log("browser")  # the blocked scripts are logged; later tests start with an empty console

