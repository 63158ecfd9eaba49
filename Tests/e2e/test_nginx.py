"""deploy/nginx/lathund.conf, run by the real nginx (conftest.Nginx), against what an attacker sends: folder
redirects never carry the request's Host, and nothing whose name starts with a dot is served."""

import http.client

import pytest

from conftest import Nginx

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
