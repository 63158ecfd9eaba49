"""deploy/systemd/lathund-publish.service and .timer: `systemd-analyze verify` accepts them without a word, the
timer fires every night and catches up a missed night, and the service runs publish.sh in a sandbox that can
write only the releases and its own state and cache folders."""

import re
import shutil
import subprocess
from datetime import datetime

import pytest

from conftest import REPO

UNITS = REPO / "deploy" / "systemd"
SERVICE = UNITS / "lathund-publish.service"
TIMER = UNITS / "lathund-publish.timer"
INSTALLED_SCRIPT = "/var/lib/lathund/source/deploy/publish.sh"


def systemd_analyze():
    path = shutil.which("systemd-analyze")
    if not path:
        pytest.fail("systemd-analyze is missing: apt-get install -y systemd (make deps does)")
    return path


def settings(path):
    """The unit's settings as {section: {key: [values]}} (a key may be given more than once)."""
    sections = {}
    section = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_systemd_analyze_verify_accepts_both_units_without_a_warning(tmp_path):
    # verify also checks that ExecStart's program exists: point it at this checkout's publish.sh.
    text = SERVICE.read_text(encoding="utf-8")
    assert f"ExecStart={INSTALLED_SCRIPT} " in text
    (tmp_path / SERVICE.name).write_text(text.replace(INSTALLED_SCRIPT, str(REPO / "deploy" / "publish.sh")),
                                         encoding="utf-8")
    shutil.copy(TIMER, tmp_path / TIMER.name)
    result = subprocess.run([systemd_analyze(), "verify", SERVICE.name, TIMER.name], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    assert output == "", f"systemd-analyze verify printed:\n{output}"


def test_systemd_analyze_verify_would_catch_a_broken_unit(tmp_path):
    """The check above can fail: a misspelt setting and a bad calendar are reported."""
    broken = TIMER.read_text(encoding="utf-8").replace("OnCalendar=", "OnCalender=")
    (tmp_path / TIMER.name).write_text(broken, encoding="utf-8")
    result = subprocess.run([systemd_analyze(), "verify", TIMER.name], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert "OnCalender" in result.stdout + result.stderr


def test_the_timer_runs_every_night_and_catches_up_a_missed_night():
    timer = settings(TIMER)["Timer"]
    assert timer["Persistent"] == ["true"]
    assert re.fullmatch(r"\d+(min|h)", timer["RandomizedDelaySec"][0])
    (calendar,) = timer["OnCalendar"]
    result = subprocess.run([systemd_analyze(), "calendar", "--iterations=3", calendar], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    times = [datetime.strptime(" ".join(match.split()[1:3]), "%Y-%m-%d %H:%M:%S")
             for match in re.findall(r"(?:Next elapse|Iter\. #\d+): (.+?) \w+$", result.stdout, flags=re.M)]
    assert len(times) == 3, result.stdout
    assert all(later - earlier == (times[1] - times[0]) for earlier, later in zip(times, times[1:]))
    assert (times[1] - times[0]).total_seconds() == 24 * 3600, "once a day"
    assert 0 <= times[0].hour < 6, "at night"
    assert settings(TIMER)["Install"]["WantedBy"] == ["timers.target"]


def test_the_service_runs_publish_in_a_sandbox():
    service = settings(SERVICE)["Service"]
    assert service["Type"] == ["oneshot"]
    assert service["ExecStart"][0].startswith(INSTALLED_SCRIPT + " ")
    assert "--check-url" in service["ExecStart"][0], "the publish checks itself through the local web server"
    assert service["User"] == ["lathund"], "never root"
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"], "the whole file system is read-only ..."
    assert service["ReadWritePaths"] == ["/srv/lathund"], "... but the releases (with their reports and current)"
    assert service["StateDirectory"] == ["lathund"] and service["CacheDirectory"] == ["lathund"]
    assert service["PrivateTmp"] == ["yes"]
    assert service["ProtectHome"] == ["yes"]
    root = re.search(r"--root (\S+)", service["ExecStart"][0]).group(1)
    assert root == "/srv/lathund"
