"""Organisation as data: the Sörmland default and another association's file."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.models import Association, CountyPart, Municipality, SteeringGroup
from storage.org import OrgConfigError, apply_org, load_org_file, parse_org

KALMAR = """
[association]
name = "Samordningsförbundet i Kalmar län"
short_name = "Kalmar"
small_cell_threshold = 3

[[county_parts]]
code = "norra"
name = "Norra Kalmar"
municipalities = ["Västervik", "Hultsfred"]

[[programmes]]
code = "sikta"
name = "Sikta mot arbetslivet"
"""


def test_default_is_sormland():
    org = load_org_file()
    assert org.name == "Samordningsförbundet RAR i Sörmland"
    assert {p.name: p.municipalities for p in org.county_parts} == {
        "Norra": ("Eskilstuna", "Strängnäs"),
        "Södra": ("Nyköping", "Oxelösund", "Gnesta", "Trosa"),
        "Västra": ("Katrineholm", "Flen", "Vingåker"),
    }
    assert sum(g.kind == "lokal_styrgrupp" for g in org.steering_groups) == 3


async def test_default_is_loaded_into_the_database(db):
    async with db.session() as session:
        flen = (await session.exec(select(Municipality).where(Municipality.name == "Flen"))).one()
        part = await session.get(CountyPart, flen.county_part_id)
        groups = (await session.exec(select(SteeringGroup))).all()
    assert part.name == "Västra"
    assert part.code_prefix == "V"
    assert len(groups) == 8


async def test_another_association_file_applies_and_is_idempotent(db, tmp_path):
    path = tmp_path / "kalmar.toml"
    path.write_text(KALMAR, encoding="utf-8")
    for _ in range(2):
        async with db.session() as session:
            await apply_org(session, load_org_file(path))
    async with db.session() as session:
        association = (await session.exec(select(Association))).one()
        names = {m.name for m in (await session.exec(select(Municipality))).all()}
        parts = (await session.exec(select(CountyPart).where(CountyPart.code == "norra"))).all()
    assert association.name == "Samordningsförbundet i Kalmar län"
    assert association.small_cell_threshold == 3
    assert {"Västervik", "Hultsfred", "Flen"} <= names
    assert [p.name for p in parts] == ["Norra Kalmar"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "'association' saknas"),
        ({"association": {"name": "X"}}, "'county_parts' saknas"),
        (
            {"association": {"name": "X"}, "county_parts": [
                {"code": "a", "name": "A", "municipalities": ["Flen"]},
                {"code": "b", "name": "B", "municipalities": ["flen"]},
            ]},
            "kommunen flen ligger i mer än en länsdel",
        ),
        (
            {"association": {"name": "X"}, "county_parts": [{"code": "a", "name": "A"}],
             "steering_groups": [{"code": "g", "name": "G", "kind": "fika"}]},
            "okänd sort fika",
        ),
        (
            {"association": {"name": "X"}, "county_parts": [{"code": "a", "name": "A"}],
             "programmes": [{"code": "p", "name": "P", "county_parts": ["z"]}]},
            "okänd länsdel",
        ),
    ],
)
def test_inconsistent_files_are_rejected_in_swedish(data, message):
    with pytest.raises(OrgConfigError, match=message):
        parse_org(data)
