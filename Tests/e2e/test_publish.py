"""deploy/publish.sh with nginx (deploy/nginx/lathund.conf) serving ROOT/current: a good build goes live, a
broken one leaves the old site live and exits non-zero with the report, --rollback goes back, old releases are
pruned. The source is a git clone of a small site, so the nightly `git pull` is exercised too."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.request import urlopen

import pytest

from conftest import REPO, Nginx

PUBLISH = REPO / "deploy" / "publish.sh"
LATHUND = Path(os.environ.get("LATHUND_E2E_LATHUND", REPO / ".build" / "debug" / "lathund"))
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}

CONFIG = 'title: "Publiceringstest"\nbase_url: "https://kb.example/"\nmenu:\n  - { title: "Start", url: "/" }\n'


def page(title, body):
    return f'---\ntitle: "{title}"\ndescription: "En sida."\n---\n{body}\n'


def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=GIT_ENV)


class Site:
    """An upstream repository (where writers commit) and the build server's clone of it."""

    def __init__(self, tmp):
        self.upstream = tmp / "upstream"
        self.checkout = tmp / "checkout"
        self.root = tmp / "www"
        (self.upstream / "content").mkdir(parents=True)
        shutil.copytree(REPO / "layouts", self.upstream / "layouts")
        (self.upstream / "lathund.yml").write_text(CONFIG, encoding="utf-8")
        self.write("_index.md", page("Start", "Version 1 av startsidan.\n\n[Om](om.md)"))
        self.write("om.md", page("Om", "Om sidan."))
        git(self.upstream, "init", "-q", "-b", "main")
        self.commit("Första versionen")
        subprocess.run(["git", "clone", "-q", str(self.upstream), str(self.checkout)], check=True, capture_output=True)

    def write(self, path, text, where=None):
        ((where or self.upstream) / "content" / path).write_text(text, encoding="utf-8")

    def commit(self, message):
        git(self.upstream, "add", "-A")
        git(self.upstream, "commit", "-q", "-m", message)

    def publish(self, *args):
        command = [str(PUBLISH), "--root", str(self.root), "--source", str(self.checkout), "--lathund", str(LATHUND), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        return result.returncode, result.stdout + result.stderr

    def live(self):
        return os.readlink(self.root / "current")

    def releases(self):
        return sorted(path.name for path in (self.root / "releases").iterdir())


def get(url):
    with urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def site(tmp_path):
    if not LATHUND.is_file():
        pytest.fail(f"no lathund binary at {LATHUND}: swift build first, or set LATHUND_E2E_LATHUND")
    return Site(tmp_path)


def test_good_build_goes_live_broken_build_leaves_it_and_rollback(site):
    status, output = site.publish()
    assert status == 0, output
    first = site.live()
    assert first.startswith("releases/") and site.releases() == [first.removeprefix("releases/")]
    assert "publish: live: " + first in output
    report = json.loads((site.root / "reports" / (first.removeprefix("releases/") + ".json")).read_text(encoding="utf-8"))
    assert report["succeeded"] is True and report["errors"] == []

    with Nginx(site.root / "current") as server:
        assert "Version 1 av startsidan" in get(server.url + "/")

        # A broken page upstream: the pull brings it in, the strict build fails, nothing changes.
        site.write("_index.md", page("Start", "Version 2 av startsidan.\n\n[Om](om.md)"))
        site.write("trasig.md", page("Trasig", "[Finns inte](saknas.md) och ett datum som inte finns."))
        site.commit("Trasig länk")
        status, output = site.publish()
        assert status == 1, output
        assert "content/trasig.md:" in output and "error:" in output
        assert "the live site is unchanged" in output
        assert site.live() == first
        assert site.releases() == [first.removeprefix("releases/")], "a failed build leaves no release behind"
        assert len(list((site.root / "reports").glob("*.json"))) == 2
        report_path = re.search(r"report: (\S+\.json)", output).group(1)
        failed = json.loads(Path(report_path).read_text(encoding="utf-8"))
        assert failed["succeeded"] is False and any("saknas.md" in str(error) for error in failed["errors"])
        assert "Version 1 av startsidan" in get(server.url + "/")

        # Fixed upstream: the next publish goes live, served by the same nginx without a reload.
        (site.upstream / "content" / "trasig.md").unlink()
        site.commit("Rätta länken")
        status, output = site.publish()
        assert status == 0, output
        second = site.live()
        assert second != first
        assert "Version 2 av startsidan" in get(server.url + "/")
        assert f"(previous: {first})" in output

        # Rollback goes to the release before; with none older it refuses.
        status, output = site.publish("--rollback")
        assert status == 0, output
        assert site.live() == first
        assert "Version 1 av startsidan" in get(server.url + "/")
        status, output = site.publish("--rollback")
        assert status == 1 and "no release older" in output
        assert site.live() == first


def test_old_releases_are_pruned_but_never_the_live_or_previous_one(site):
    names = []
    for number in range(4):
        site.write("om.md", page("Om", f"Om sidan, utgåva {number}."), where=site.checkout)
        status, output = site.publish("--no-pull", "--keep", "2")
        assert status == 0, output
        names.append(site.live().removeprefix("releases/"))
    assert site.releases() == names[-2:]
    assert not list((site.root / "releases").glob(".*")), "no lock or staging files are left"
    assert "utgåva 3" in (site.root / "current" / "om" / "index.html").read_text(encoding="utf-8")


def test_no_pull_builds_the_checkout_as_it_is(site):
    site.write("_index.md", page("Start", "Bara uppströms."))
    site.commit("Ändrat uppströms")
    status, output = site.publish("--no-pull")
    assert status == 0, output
    assert "Version 1 av startsidan" in (site.root / "current" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["--keep", "1"], ["--keep", "x"], ["--bogus"]])
def test_bad_options_are_usage_errors(site, args):
    status, output = site.publish("--no-pull", *args)
    assert status == 2, output
    assert not (site.root / "current").exists()
