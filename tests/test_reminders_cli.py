"""`python -m bot reminders …`: the rules and the calendar from the command line."""

from __future__ import annotations

from tests.conftest import cli


async def test_rules_and_calendar_from_the_command_line(cli_env, capsys):
    code, out, _ = await cli(capsys, "reminders", "rules")
    assert code == 0 and "referral_waiting  14 dagar efter  samordnare  på" in out
    code, out, _ = await cli(
        capsys, "reminders", "rule", "referral_waiting", "--days", "10", "--off"
    )
    assert code == 0 and "Sparat: referral_waiting." in out
    code, out, _ = await cli(capsys, "reminders", "rules")
    assert "referral_waiting  10 dagar efter  samordnare  av" in out

    code, out, _ = await cli(
        capsys, "reminders", "add", "status_report", "2027-03-05", "Extra lägesrapport"
    )
    assert code == 0 and "2027-03-05 Extra lägesrapport" in out
    deadline_id = out.split()[1]
    code, out, _ = await cli(capsys, "reminders", "move", deadline_id, "--date", "2027-03-08")
    assert code == 0 and "2027-03-08 Extra lägesrapport" in out
    code, out, _ = await cli(capsys, "reminders", "calendar", "--year", "2027")
    assert "2027-02-15  annual_report_data  Underlag till årsredovisningen" in out
    assert "2027-03-08  status_report  Extra lägesrapport" in out
    code, out, _ = await cli(capsys, "reminders", "remove", deadline_id)
    assert code == 0 and "Borttaget: Extra lägesrapport." in out

    code, _, err = await cli(capsys, "reminders", "add", "no_such_rule", "2027-01-01", "X")
    assert code == 2 and "Det finns ingen regel ”no_such_rule”" in err
    code, _, err = await cli(capsys, "reminders", "rule", "no_placement", "--recipients", "chef")
    assert code == 2 and "Okänd mottagare ”chef”" in err
    code, _, _ = await cli(
        capsys, "reminders", "rule", "minutes_missing", "--recipients",
        "Protokollförare, insatsägare,conversation:19:AbC@thread.tacv2",
    )
    assert code == 0  # Swedish letters and capitals are fine; channel ids are kept as typed
    code, out, _ = await cli(capsys, "reminders", "rules")
    assert "minutes_missing  5 dagar efter  protokollforare,insatsagare,conversation:19:AbC" in out
