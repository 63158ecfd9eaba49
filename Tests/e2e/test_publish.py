"""deploy/publish.sh with nginx (deploy/nginx/lathund.conf) serving ROOT/current: a good build goes live and is
checked through nginx, a broken one leaves the old site live and exits non-zero with the report, a release nginx
cannot serve is rolled back, --rollback goes back, old releases are pruned, a killed run leaves nothing behind. The
source is a git clone of a small site, so the nightly `git pull` is exercised too."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
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

    def __init__(self, tmp, root=None):
        self.upstream = tmp / "upstream"
        self.checkout = tmp / "checkout"
        self.root = root or tmp / "www"
        self.check_url = None
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

    def command(self, *args, lathund=LATHUND):
        """publish.sh, checking itself against the nginx started for this site (or with --no-check if none)."""
        check = ["--check-url", self.check_url] if self.check_url else ["--no-check"]
        return [str(PUBLISH), "--root", str(self.root), "--source", str(self.checkout), "--lathund", str(lathund),
                *check, *args]

    def publish(self, *args, lathund=LATHUND, env=None):
        result = subprocess.run(self.command(*args, lathund=lathund), capture_output=True, text=True, timeout=300,
                                env=env)
        return result.returncode, result.stdout + result.stderr

    @contextmanager
    def serve(self, **options):
        """nginx serving ROOT/current (it need not exist yet); publish.sh checks itself against it meanwhile."""
        with Nginx(self.root / "current", **options) as server:
            self.check_url = server.url + "/"
            try:
                yield server
            finally:
                self.check_url = None

    def live(self):
        return os.readlink(self.root / "current")

    def releases(self):
        return sorted(path.name for path in (self.root / "releases").iterdir())


def get(url):
    with urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def require_lathund():
    if not LATHUND.is_file():
        pytest.fail(f"no lathund binary at {LATHUND}: swift build first, or set LATHUND_E2E_LATHUND")


@pytest.fixture
def site(tmp_path):
    require_lathund()
    return Site(tmp_path)


def test_good_build_goes_live_broken_build_leaves_it_and_rollback(site):
    with site.serve() as server:
        status, output = site.publish()
        assert status == 0, output
        first = site.live()
        assert first.startswith("releases/") and site.releases() == [first.removeprefix("releases/")]
        assert "publish: live: " + first in output
        assert f"serves {first} (3 files checked)" in output, "/, /sok/ and a search shard were fetched through nginx"
        report = json.loads((site.root / "reports" / (first.removeprefix("releases/") + ".json")).read_text(encoding="utf-8"))
        assert report["succeeded"] is True and report["errors"] == []
        editorial = Path(re.search(r"editorial report: (\S+\.html)", output).group(1))
        assert editorial == site.root / "reports" / (first.removeprefix("releases/") + ".html")
        text = editorial.read_text(encoding="utf-8")
        assert "<h1>Redaktionell rapport</h1>" in text and "Senaste ändringar" in text and "Första versionen" in text
        assert not (site.root / "current" / editorial.name).exists(), "the editorial report is not part of the site"
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
        failed_editorial = Path(re.search(r"editorial report: (\S+\.html)", output).group(1)).read_text(encoding="utf-8")
        assert "Bygget misslyckades" in failed_editorial and "content/trasig.md:" in failed_editorial
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


def test_a_failed_build_names_the_live_release_once(site):
    status, output = site.publish("--no-pull")
    assert status == 0, output
    live = site.live()
    site.write("trasig.md", page("Trasig", "[Finns inte](saknas.md)."), where=site.checkout)
    status, output = site.publish("--no-pull")
    assert status == 1, output
    assert f"the live site is unchanged (current → {live})." in output, output


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


def test_release_names_sort_in_publishing_order_when_the_clock_ticks_while_naming(site, tmp_path):
    """The name is the UTC second plus -NN when that second is taken. If the clock ticks between reading the second
    and adding the suffix, the suffix must go on the second first read: a later release must never sort before an
    earlier one, or pruning and --rollback pick the wrong release. A stub `date` plays the clock."""
    stub = tmp_path / "stub-bin"
    stub.mkdir()
    clock = tmp_path / "clock"
    (stub / "date").write_text(
        "#!/bin/sh\n"
        "if [ \"$*\" = \"-u +%Y%m%dT%H%M%SZ\" ]; then\n"
        f"  head -n 1 {clock}; tail -n +2 {clock} > {clock}.rest; [ -s {clock}.rest ] && mv {clock}.rest {clock}; exit 0\n"
        "fi\n"
        "exec /bin/date \"$@\"\n", encoding="utf-8")
    (stub / "date").chmod(0o755)
    env = {**os.environ, "PATH": f"{stub}:{os.environ['PATH']}"}
    names = []
    # The second publish finds 12:00:00 taken, and the clock shows 12:00:01 if it is read again.
    for number, seconds in enumerate([["00"], ["00", "01"], ["01"]]):
        clock.write_text("".join(f"20261205T1200{s}Z\n" for s in seconds), encoding="utf-8")
        site.write("om.md", page("Om", f"Om sidan, utgåva {number}."), where=site.checkout)
        status, output = site.publish("--no-pull", env=env)
        assert status == 0, output
        names.append(site.live().removeprefix("releases/"))
    assert len(set(names)) == 3, names
    assert sorted(names) == names, "release names sort in the order they were published"
    status, output = site.publish("--rollback", env=env)
    assert status == 0, output
    assert site.live() == f"releases/{names[1]}"


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


def test_a_release_nginx_cannot_read_is_rolled_back(tmp_path):
    """A build run with umask 077 makes a release that nginx's workers (www-data) cannot read: after the swap the
    self-check gets 403, puts the previous release back and exits 1."""
    require_lathund()
    if os.geteuid() != 0:
        pytest.skip("needs root, to run nginx's workers as another user than the files' owner")
    root = Path(tempfile.mkdtemp(prefix="lathund-publish-"))
    try:
        root.chmod(0o755)  # www-data must reach ROOT/current; the temporary folders above it are private
        site = Site(tmp_path, root=root)
        wrapper = tmp_path / "lathund-umask-077"
        wrapper.write_text(f"#!/bin/sh\numask 077\nexec {LATHUND} \"$@\"\n", encoding="utf-8")
        wrapper.chmod(0o755)
        with site.serve(worker_user="www-data") as server:
            status, output = site.publish("--no-pull")
            assert status == 0, output
            first = site.live()
            assert "Version 1 av startsidan" in get(server.url + "/")

            site.write("_index.md", page("Start", "Version 2 av startsidan."), where=site.checkout)
            status, output = site.publish("--no-pull", lathund=wrapper)
            assert status == 1, output
            assert "the self-check failed" in output and "answered 403" in output, output
            assert f"rolled back (current → {first})" in output
            assert site.live() == first
            assert site.releases() == [first.removeprefix("releases/")], "the release nginx could not read is removed"
            assert "Version 1 av startsidan" in get(server.url + "/")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_first_publish_that_fails_its_check_leaves_nothing_live(site):
    """With nothing live before, a failed self-check leaves nothing live (here: no web server answers at all)."""
    site.check_url = "http://127.0.0.1:9/"  # the discard port: nothing listens there
    status, output = site.publish("--no-pull")
    assert status == 1, output
    assert "the self-check failed" in output and "answered 000" in output
    assert "rolled back (nothing is live yet)" in output
    assert not (site.root / "current").exists() and site.releases() == []


def test_a_killed_publish_leaves_nothing_behind(site):
    """SIGKILL to publish.sh and lathund in the middle of the build leaves lathund's staging folder and lock
    (releases/.NAME.staging-PID, .NAME.lock); the next run removes them under its lock and publishes."""
    for number in range(400):  # enough pages that the build is still writing when it is killed
        site.write(f"sida-{number}.md", page(f"Sida {number}", "Text om sjukpenning och SGI. " * 40), where=site.checkout)
    process = subprocess.Popen(site.command("--no-pull"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    releases = site.root / "releases"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if releases.is_dir() and any(".staging-" in entry.name for entry in releases.iterdir()):
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the build ended before its staging folder was seen"
    time.sleep(0.5)  # lets a background removal lathund started finish, as the next night would
    leftovers = sorted(entry.name for entry in releases.iterdir() if entry.name.startswith("."))
    assert any(".staging-" in name for name in leftovers), leftovers
    assert not (site.root / "current").exists()

    status, output = site.publish("--no-pull")
    assert status == 0, output
    for name in leftovers:
        assert f"removed what an interrupted run left: releases/{name}" in output
    assert not [entry.name for entry in releases.iterdir() if entry.name.startswith(".")], "nothing hidden is left"
    assert site.releases() == [site.live().removeprefix("releases/")]
