"""The shapes themselves: valid SHACL, readable IRIs, a severity and a message in Swedish
and English on every constraint, and data-driven cases in the pySHACL style:
``tests/shapes/<shape>/valid-*.ttl`` must raise nothing, ``invalid-*.ttl`` exactly that
shape (each file is merged with ``tests/shapes/_context.ttl``)."""

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Literal
from rdflib.namespace import SH

from hsvo_graph.config import Settings
from hsvo_graph.validation.context import ontology
from hsvo_graph.validation.model import SHAPES
from hsvo_graph.validation.check import run_shapes, shapes_graph

CASES = Path(__file__).parent / "shapes"
CONTEXT = CASES / "_context.ttl"
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


def rule_shapes() -> set:
    """Shapes that state a rule (those with a severity)."""
    return set(shapes_graph().subjects(SH.severity, None))


def test_shapes_conform_to_shacl_shacl() -> None:
    """Validated against the SHACL-for-SHACL shapes graph that pySHACL bundles
    (pyshacl/assets/shacl-shacl.ttl, from the SHACL recommendation, Appendix C)."""
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    # nested paths (alternativePath inside sh:or) go deeper than pySHACL's default of 15
    conforms, _, text = pyshacl.validate(
        shapes_graph(), shacl_graph=shacl_shacl, max_validation_depth=40
    )
    assert conforms, text


def test_shacl_shacl_catches_a_broken_shape() -> None:
    """The meta-validation can fail: a shape with two paths is not valid SHACL."""
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    broken = Graph()
    broken += shapes_graph()
    broken.add((SHAPES["Activity-title"], SH.path, SHAPES["another-path"]))
    conforms, _, _ = pyshacl.validate(broken, shacl_graph=shacl_shacl, max_validation_depth=40)
    assert not conforms


def test_every_rule_has_readable_iri_severity_messages_and_description() -> None:
    shapes = shapes_graph()
    rules = rule_shapes()
    assert len(rules) >= 30
    for shape in rules:
        assert str(shape).startswith(str(SHAPES)), shape
        texts = [o for o in shapes.objects(shape, SH.message)] + [
            o for c in shapes.objects(shape, SH.sparql) for o in shapes.objects(c, SH.message)
        ]
        assert {t.language for t in texts if isinstance(t, Literal)} == {"sv", "en"}, shape
        described = {o.language for o in shapes.objects(shape, SH.description)}
        assert described == {"sv", "en"}, shape
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(
        s for s in shapes.subjects(SH.sparql, None)
    ):
        assert shape in rules, f"{shape} has no severity"


def test_every_rule_has_valid_and_invalid_cases() -> None:
    names = {str(s).removeprefix(str(SHAPES)) for s in rule_shapes()}
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert names == folders
    for folder in folders:
        kinds = {p.name.split("-")[0] for p in (CASES / folder).glob("*.ttl")}
        assert kinds == {"valid", "invalid"}, folder


CASE_FILES = sorted(CASES.glob("*/*.ttl"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_case(path: Path, settings: Settings) -> None:
    own = Graph().parse(path)
    data = Graph()
    data += ontology(settings.ontology_dir)
    data += Graph().parse(CONTEXT)
    data += own
    findings = run_shapes(data, focus=set(own.subjects(RDF.type, None)))
    rules = {f.rule.removeprefix(str(SHAPES)) for f in findings}
    if path.name.startswith("valid"):
        assert rules == set(), [f.message.en for f in findings]
    else:
        assert rules == {path.parent.name}, [f.message.en for f in findings]
