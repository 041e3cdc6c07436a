"""A bad setting stops start-up with one line that names it."""

import subprocess
import sys

import pytest

from tests.processes import ROOT, child_env


@pytest.mark.parametrize(
    "name,value",
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("CELERY_BROKER_URL", "kafka://localhost"),
        ("DEBUG", "maybe"),
        ("DISTRICT_HOST", "http://edu.example.cn/"),
        ("SITE_PORT", "eighty"),
    ],
)
def test_a_malformed_setting_gives_one_line_naming_it(name, value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=child_env(**{name: value}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
