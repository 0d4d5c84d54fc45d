"""Regenerate storage/data/*.txt, the name lists the personal-data guard uses.

Needs, only when run (not at run time of the bot): the `faker` package (its sv_SE person
provider carries Isof's 500 most common first names per sex and Skatteverket's 500 most common
surnames) and Debian's `wswedish` word list (/usr/share/dict/swedish), which tells which names
are also ordinary Swedish words ("Bo", "Per", "Berg", "Lund") and so only count as names in
context. Usage: `pip install faker && python scripts/update-name-lists.py`.
"""

from __future__ import annotations

from pathlib import Path

from faker.providers.address.sv_SE import Provider as Places
from faker.providers.person.sv_SE import Provider

DATA = Path(__file__).resolve().parents[1] / "storage" / "data"
WORD_LIST = Path("/usr/share/dict/swedish")
# Months, weekdays and words that are names in the lists but everyday words in a note.
EXTRA_WORDS = """januari februari mars april maj juni juli augusti september oktober november
december måndag tisdag onsdag torsdag fredag lördag söndag jul påsk""".split()


# Sörmland's municipalities and towns (the default organisation) and others that end like
# surnames. An association's own places are added when its organisation file is loaded.
PLACES = """eskilstuna strängnäs nyköping oxelösund gnesta trosa katrineholm flen vingåker
mariefred malmköping torshälla järna södertälje sollentuna sigtuna kalmar borgholm
vänersborg karlsborg falkenberg ulricehamn stenungsund""".split()


def _write(name: str, words: set[str]) -> None:
    (DATA / name).write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")


def main() -> None:
    first = {n.casefold() for n in [*Provider.first_names_female, *Provider.first_names_male]}
    last = {n.casefold() for n in Provider.last_names}
    words = {
        line.strip()
        for line in WORD_LIST.read_text(encoding="latin-1").splitlines()
        if line[:1].islower()
    }
    _write("first_names.txt", first)
    _write("surnames.txt", last)
    _write("name_words.txt", ((first | last) & words) | set(EXTRA_WORDS))
    _write("places.txt", {c.casefold() for c in Places.cities} | set(PLACES))


if __name__ == "__main__":
    main()
