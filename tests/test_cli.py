"""`python -m bot …` for IT admins: migrate, staff and organisation commands."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import cli, repo_root
from tests.teams import COACH_AAD


async def test_staff_add_list_remove(cli_env, capsys):
    code, out, _ = await cli(
        capsys,
        "staff",
        "add",
        COACH_AAD,
        "--name",
        "Cem Coach",
        "--role",
        "coach",
        "--county-part",
        "norra",
    )
    assert code == 0 and "Sparat: Cem Coach (coach)." in out
    code, out, _ = await cli(capsys, "staff", "list")
    assert f"{COACH_AAD}  Cem Coach  coach i Norra" in out
    code, _, err = await cli(
        capsys, "staff", "add", "not-a-guid", "--name", "X", "--role", "viewer"
    )
    assert code == 2 and "inget giltigt objekt-id" in err
    code, _, err = await cli(capsys, "staff", "add", COACH_AAD, "--name", "X", "--role", "coach")
    assert code == 2 and "minst en länsdel" in err
    code, out, _ = await cli(capsys, "staff", "remove", COACH_AAD)
    assert code == 0 and "Cem Coach har inte längre behörighet." in out


async def test_org_load_reports_errors_in_swedish(cli_env, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[association]\nname = "X"\n', encoding="utf-8")
    code, _, err = await cli(capsys, "org", "load", str(bad))
    assert code == 2 and "Fel i organisationsfilen: filen: 'county_parts' saknas" in err


def test_migrate_as_a_process_on_a_fresh_sqlite_file(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.db"}
    for _ in range(2):  # the second run finds the schema at head and changes nothing
        done = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=repo_root(),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Databasen är uppdaterad" in done.stdout
    assert (tmp_path / "fresh.db").stat().st_size > 0
