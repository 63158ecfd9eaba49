"""The Makefile as a newcomer uses it: `make site` installs only what building needs, `make test` also what the
tests need, and `make install` puts a working `lathund` on PATH."""

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
BUILD_PACKAGES = {"pkg-config", "libcmark-gfm-dev", "libcmark-gfm-extensions-dev", "cmark-gfm"}
TEST_PACKAGES = {"chromium", "chromium-driver", "nginx", "default-jre-headless", "nodejs", "python3-venv", "curl", "systemd"}


def bare_machine(tmp_path):
    """A PATH on which no Debian package is installed: dpkg knows none, apt-get and sudo only record what they are
    asked, and there is no node or java. make, sh, env, id and true are the real ones."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "apt-get.log"
    (folder / "dpkg").write_text("#!/bin/sh\nexit 1\n")
    (folder / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n')
    (folder / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    for stub in ("dpkg", "apt-get", "sudo"):
        (folder / stub).chmod(0o755)
    for tool in ("make", "sh", "env", "id", "true"):
        (folder / tool).symlink_to(shutil.which(tool))
    return {"PATH": str(folder), "HOME": str(tmp_path)}, log


def installed(log):
    """The packages every `apt-get install` was asked for."""
    packages = set()
    for line in log.read_text().splitlines() if log.exists() else []:
        words = line.split()
        if "install" in words:
            packages |= {word for word in words[words.index("install") + 1:] if not word.startswith("-")}
    return packages


def test_make_site_installs_only_what_building_needs(tmp_path):
    env, log = bare_machine(tmp_path)
    # SWIFT and LATHUND stand in for the compiler and the binary, so only the set-up steps of `make site` run.
    result = subprocess.run(["make", "-C", str(REPOSITORY), "site", "SWIFT=true", "LATHUND=true"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(log) == BUILD_PACKAGES


def test_make_test_installs_the_browser_nginx_java_and_node(tmp_path):
    env, log = bare_machine(tmp_path)
    result = subprocess.run(["make", "-C", str(REPOSITORY), "test-deps"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(log) == BUILD_PACKAGES | TEST_PACKAGES
    makefile = (REPOSITORY / "Makefile").read_text()
    assert re.search(r"^test: test-deps\b", makefile, re.M), "make test must depend on test-deps"


def test_make_install_puts_a_working_lathund_on_path(tmp_path):
    """`make install PREFIX=…` (and with DESTDIR, as packagers use it) installs the command, which then builds a
    site when typed as the README types it. CONFIG=debug installs the debug binary that `make test` has built
    already; `make install` itself builds and installs the release binary."""
    prefix = tmp_path / "prefix"
    result = subprocess.run(["make", "-s", "-C", str(REPOSITORY), "install", "CONFIG=debug", f"PREFIX={prefix}"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    binary = prefix / "bin" / "lathund"
    assert stat.S_IMODE(binary.stat().st_mode) == 0o755
    staged = subprocess.run(["make", "-s", "-C", str(REPOSITORY), "install", "CONFIG=debug", "PREFIX=/usr",
                             f"DESTDIR={tmp_path / 'stage'}"], capture_output=True, text=True, timeout=600)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert (tmp_path / "stage" / "usr" / "bin" / "lathund").is_file()

    project = tmp_path / "project"
    shutil.copytree(REPOSITORY / "Tests" / "LathundKitTests" / "Fixtures" / "basic", project)
    env = dict(os.environ, PATH=f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert shutil.which("lathund", path=env["PATH"]) == str(binary)
    built = subprocess.run(["lathund", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert re.search(r"^Built \d+ pages, \d+ assets?, \d+ warnings? in [\d.]+ s → site/$", built.stdout, re.M), built.stdout
    assert (project / "site" / "index.html").is_file()

    uninstalled = subprocess.run(["make", "-s", "-C", str(REPOSITORY), "uninstall", f"PREFIX={prefix}"],
                                 capture_output=True, text=True, timeout=60)
    assert uninstalled.returncode == 0, uninstalled.stderr
    assert not binary.exists()
