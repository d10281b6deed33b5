"""A plan written in RDF (Turtle, TriG, JSON-LD, N-Triples): it already is a graph; find
its document, name its graph after it, and remember labels to locate findings by."""

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from hsvo_graph.namespaces import GRAPH, HSVO, ID
from hsvo_graph.validation import names
from hsvo_graph.validation.headings import MAX_ROWS
from hsvo_graph.validation.meta import PlanMeta
from hsvo_graph.validation.model import Location, Plan, PlanError, PlanInfo, Text

DOCUMENT_CLASSES = (HSVO.ActivityList, HSVO.FollowUpReport)
ITEM_CLASSES = (HSVO.Activity, HSVO.Outcome)
# Where a plan's document is named: its graph and its registry key are named after the last
# part of that IRI, so a document named elsewhere (<http://other.example/x/aktivitetslista-
# hsvo-uppsala-2025>) would take another plan's graph, shown as a replacement with no change.
DOCUMENTS = str(ID["document/"])


MAX_TRIPLES = 25 * MAX_ROWS  # a 2000-row table makes about 22 000


def _check_size(graph: Graph, name: str) -> None:
    """Refuse an RDF plan larger than the largest table a plan may be (MAX_ROWS rows): the
    checks cost time by activity, and 5000 activities in 1.3 MB of Turtle took minutes."""
    activities = sum(1 for cls in ITEM_CLASSES for _ in graph.subjects(RDF.type, cls))
    if len(graph) > MAX_TRIPLES or activities > MAX_ROWS:
        raise PlanError(
            name,
            Text(
                f"planen har {len(graph)} tripler och {activities} aktiviteter eller utfall; "
                f"högst {MAX_TRIPLES} tripler och {MAX_ROWS} aktiviteter är tillåtna",
                f"the plan has {len(graph)} triples and {activities} activities or outcomes; "
                f"at most {MAX_TRIPLES} triples and {MAX_ROWS} activities are allowed",
            ),
        )


def _check_contents(graph: Graph, documents: list[URIRef], name: str) -> None:
    """Refuse a plan whose documents are named outside ``DOCUMENTS``, or that says nothing
    besides its document (``<doc> a hsvo:ActivityList`` alone was imported as an empty,
    untitled list; what a plan says about others' entities is for the isolation check)."""
    foreign = [str(d) for d in documents if not str(d).startswith(DOCUMENTS)]
    if foreign:
        raise PlanError(
            name,
            Text(
                f"planens dokument <{foreign[0]}> är inte namngivet under {DOCUMENTS} (doc:); "
                "planens graf namnges efter dokumentets namn",
                f"the plan's document <{foreign[0]}> is not named under {DOCUMENTS} (doc:); "
                "the plan's graph is named after the document's name",
            ),
        )
    if set(graph.subjects()) <= set(documents):
        raise PlanError(
            name,
            Text(
                "planen säger inget utöver sitt dokument: inga aktiviteter eller utfall",
                "the plan says nothing besides its document: no activities or outcomes",
            ),
        )


def rdf_plan(graph: Graph, name: str, meta: PlanMeta) -> Plan:
    """The plan in ``graph``: its one activity list or follow-up report gives the graph IRI
    (``graph:plan-<document>``); without exactly one, the metadata or the file name does."""
    _check_size(graph, name)
    documents = sorted(
        {
            s
            for cls in DOCUMENT_CLASSES
            for s in graph.subjects(RDF.type, cls)
            if isinstance(s, URIRef)
        }
    )
    if not documents:
        raise PlanError(
            name,
            Text(
                "filen innehåller ingen plan: ingen hsvo:ActivityList eller hsvo:FollowUpReport",
                "the file holds no plan: no hsvo:ActivityList or hsvo:FollowUpReport",
            ),
        )
    _check_contents(graph, documents, name)
    notes: list[Text] = []
    document = documents[0] if len(documents) == 1 else None
    if document is not None:
        local = str(document).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    else:
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        local = names.slug("-".join(str(p) for p in (meta.municipality, meta.year) if p) or stem)
        notes.append(
            Text(
                f"Filen har {len(documents)} aktivitetslistor eller samverkansberättelser; grafen "
                f"namnges efter {'metadata' if meta.municipality or meta.year else 'filnamnet'}",
                f"The file has {len(documents)} activity lists or follow-up reports; the graph is "
                f"named after {'the metadata' if meta.municipality or meta.year else 'the file'}",
            )
        )
    start = graph.value(document, HSVO.startYear) if document is not None else None
    locations = {
        node: Location(None, str(text))
        for node, text in graph.subject_objects(RDFS.label)
        if isinstance(text, Literal) and text.language in (None, "sv")
    }
    return Plan(
        PlanInfo(
            source=name,
            kind="rdf",
            document=document,
            graph=GRAPH["plan-" + local],
            municipality=meta.municipality,
            year=int(str(start)) if start is not None else meta.year,
            title=names.label(graph, document) if document is not None else None,
            notes=notes,
        ),
        graph,
        locations,
    )
