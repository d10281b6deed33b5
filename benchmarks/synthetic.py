"""A synthetic governance graph shaped like the real activity lists, for the scale benchmarks.

Municipalities × years × activity lists, each list with ~40 activities that name responsible
and participating bodies (boards, whose classes and abbreviations drive the OWL inferences, as
in the real data), a local focus area, a follow-up indicator and, for past years, an outcome
with a status and a summary. Seeded: the same size and seed always give the same bytes.

    python benchmarks/synthetic.py 1000000 > /tmp/synthetic-1m.nt        # ~1 M triples
    python benchmarks/synthetic.py 10000 --seed 7 --out /tmp/s.nt
"""

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

HSVO = "https://w3id.org/hsvo-graph/ontology#"
ID = "https://w3id.org/hsvo-graph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV_SOURCE = "http://www.w3.org/ns/prov#hadPrimarySource"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

YEARS = range(2020, 2026)
ACTIVITIES_PER_LIST = 40
BODIES_PER_MUNICIPALITY = 8
FOCUS_AREAS_PER_MUNICIPALITY = 6
TRIPLES_PER_ACTIVITY = 16  # about: activity + outcome, see activity()
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
WORDS = ("samverkan", "barn", "unga", "äldre", "vård", "omsorg", "stöd", "hälsa", "rehabilitering",
         "psykisk", "missbruk", "boende", "hemsjukvård", "utveckla", "implementera", "följa upp",
         "kartlägga", "nära vård", "digitalisering", "kompetens")


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, lang: str = "sv") -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD_INTEGER}>'


def municipalities_for(triples: int) -> int:
    """How many municipalities give about ``triples`` triples."""
    per_municipality = len(YEARS) * ACTIVITIES_PER_LIST * TRIPLES_PER_ACTIVITY
    return max(1, round(triples / per_municipality))


def statements(triples: int, seed: int) -> Iterator[tuple[str, str, str]]:
    """The graph's triples, in N-Triples term syntax."""
    rng = random.Random(seed)
    a, label = iri(RDF_TYPE), iri(RDFS_LABEL)
    for m in range(municipalities_for(triples)):
        bodies = [iri(f"{ID}body/m{m}-b{k}") for k in range(BODIES_PER_MUNICIPALITY)]
        for k, body in enumerate(bodies):
            yield body, a, iri(HSVO + "Board")
            yield body, label, text(f"Nämnd {k} i kommun {m}")
            yield body, iri(HSVO + "abbreviation"), f'"N{k}K{m}"'
        areas = [iri(f"{ID}goal/m{m}-lfa-{k}") for k in range(FOCUS_AREAS_PER_MUNICIPALITY)]
        for k, area in enumerate(areas):
            yield area, a, iri(HSVO + "LocalFocusArea")
            yield area, label, text(f"Lokalt fokusområde {k}, kommun {m}")
        for year in YEARS:
            listing = iri(f"{ID}document/m{m}-aktivitetslista-{year}")
            yield listing, a, iri(HSVO + "ActivityList")
            yield listing, label, text(f"Aktivitetslista {year}, kommun {m}")
            yield listing, iri(HSVO + "startYear"), integer(year)
            for row in range(1, ACTIVITIES_PER_LIST + 1):
                yield from activity(rng, m, year, row, listing, bodies, areas)


def activity(rng: random.Random, m: int, year: int, row: int, listing: str,
             bodies: list[str], areas: list[str]) -> Iterator[tuple[str, str, str]]:
    node = iri(f"{ID}activity/m{m}-{year}-{row:02d}")
    yield node, iri(RDF_TYPE), iri(HSVO + "Activity")
    yield node, iri(RDFS_LABEL), text(" ".join(rng.choices(WORDS, k=8)).capitalize())
    yield node, iri(HSVO + "year"), integer(year)
    yield node, iri(HSVO + "rowNumber"), integer(row)
    yield node, iri(HSVO + "localFocusArea"), rng.choice(areas)
    yield node, iri(HSVO + "followUpIndicator"), text(" ".join(rng.choices(WORDS, k=5)))
    for body in rng.sample(bodies, rng.randint(1, 3)):
        yield node, iri(HSVO + "responsibleBody"), body
    for body in rng.sample(bodies, rng.randint(0, 2)):
        yield node, iri(HSVO + "participatingBody"), body
    yield node, iri(HSVO + "listedIn"), listing
    yield node, iri(PROV_SOURCE), listing
    if year < max(YEARS):
        outcome = iri(f"{ID}activity/m{m}-{year}-{row:02d}-utfall")
        yield node, iri(HSVO + "hasOutcome"), outcome
        yield outcome, iri(RDF_TYPE), iri(HSVO + "Outcome")
        yield outcome, iri(HSVO + "status"), iri(HSVO + rng.choice(("Ongoing", "Completed")))
        yield outcome, iri(HSVO + "summary"), text(" ".join(rng.choices(WORDS, k=12)))


def write(triples: int, seed: int, out: TextIO) -> int:
    """Write the graph as N-Triples; returns the number of triples written."""
    written = 0
    for s, p, o in statements(triples, seed):
        out.write(f"{s} {p} {o} .\n")
        written += 1
    return written


def generate(triples: int, path: Path, seed: int = 1) -> Path:
    """The graph in ``path`` (written once: reused when it exists)."""
    if not path.exists():
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            write(triples, seed, out)
        partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("triples", help="about how many triples (a number, or 10k/100k/1m/5m)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args()
    triples = SIZES.get(args.triples.lower()) or int(args.triples)
    if args.out is None:
        count = write(triples, args.seed, sys.stdout)
    else:
        with args.out.open("w", encoding="utf-8") as out:
            count = write(triples, args.seed, out)
    print(f"{count} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
