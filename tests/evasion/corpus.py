"""The evasion corpus: SERVICE, LOAD and update attempts dressed every way an attacker would
try to slip them past a guard, plus the valid look-alikes that must still be answered.

Generated from templates and variants (``corpus(canary_url)``), so the canary's address is
filled in at run time. Each ``Attempt`` says which path it is sent to (the public query
endpoint or the admin update endpoint) and which statuses are acceptable: 403 for a
well-formed SERVICE (or anything on the admin path the guard refuses), 400 for an update on
the public endpoint or a text that is not SPARQL, 200 for the valid look-alikes.
"""

from dataclasses import dataclass
from itertools import product
from typing import Literal

Path = Literal["public", "admin"]


@dataclass(frozen=True)
class Attempt:
    """One text, where it goes, and the statuses it may get."""

    name: str
    text: str
    path: Path
    statuses: frozenset[int]


REFUSED = frozenset({400, 403})
FORBIDDEN = frozenset({403})
BAD = frozenset({400})
OK = frozenset({200})

# How the SERVICE keyword may be written (the guard must see all of these).
SERVICE_SPELLINGS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "service silent",
                     "SERVICE\tSILENT", "SERVICE#c\nSILENT", "SERVICESILENT"]
# What may separate the keyword from the endpoint.
SEPARATORS = [" ", "\n", "\t", "\r\n", " #}{ comment\n", "", "\n#\n\n"]
# Where the SERVICE may sit; {s} is the whole SERVICE clause.
CONTEXTS = [
    "SELECT * WHERE {{ {s} }}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {s} }} }}",
    "SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ {s} }} }}",
    "SELECT * WHERE {{ ?a ?b ?c MINUS {{ {s} }} }}",
    "SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ {s} }} }}",
    "SELECT * WHERE {{ ?a ?b ?c FILTER NOT EXISTS {{ {s} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ {s} }} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ {{ {{ {s} }} }} }} }}",
    "ASK {{ {s} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {s} }}",
    "DESCRIBE ?s WHERE {{ {s} }}",
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . {s} }}",
    "SELECT * WHERE {{ ?a ?b ?c FILTER(?c != <http://x/#>) BIND(\"#\" AS ?h) {s} }}",
    "SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?z) {s} }}",
    "SELECT * WHERE {{ BIND('''}}\"#''' AS ?z) {s} }}",
    "SELECT * WHERE {{ BIND(\"\\\"}} #\" AS ?z) {s} }}",
    "SELECT * WHERE {{ ?a ?b ?c.{s} }}",
    "SELECT * WHERE {{ VALUES ?v {{ 1 }} {s} }}",
]


def _service_clauses(canary: str) -> list[tuple[str, str, str]]:
    """(name, prologue, clause): the endpoint as an IRI, an escaped IRI, a prefixed name, a
    variable bound by BIND or VALUES."""
    escaped = canary.replace("h", "\\u0068", 1)
    return [
        ("iri", "", "{kw}{sep}<" + canary + "> { ?s ?p ?o }"),
        ("escaped-iri", "", "{kw}{sep}<" + escaped + "> { ?s ?p ?o }"),
        ("pname", "PREFIX c: <" + canary + ">\n", "{kw}{sep}c:x { ?s ?p ?o }"),
        ("var-bind", "", "BIND(<" + canary + "> AS ?svc) {kw}{sep}?svc { ?s ?p ?o }"),
        ("var-values", "", "VALUES ?svc { <" + canary + "> } {kw}{sep}$svc { ?s ?p ?o }"),
    ]


def _service_attempts(canary: str) -> list[Attempt]:
    attempts = []
    clauses = _service_clauses(canary)
    combinations = product(enumerate(SERVICE_SPELLINGS), enumerate(SEPARATORS), clauses)
    for n, ((i, kw), (j, sep), (name, prologue, clause)) in enumerate(combinations):
        # every spelling with every separator and endpoint form, rotating through contexts
        context = CONTEXTS[n % len(CONTEXTS)]
        text = prologue + context.format(s=clause.replace("{kw}", kw).replace("{sep}", sep))
        attempts.append(Attempt(f"service-{i}-{j}-{name}", text, "public", FORBIDDEN))
    for k, context in enumerate(CONTEXTS):
        name, prologue, clause = clauses[k % len(clauses)]
        text = prologue + context.format(s=clause.replace("{kw}", "SERVICE").replace("{sep}", " "))
        attempts.append(Attempt(f"service-context-{k}-{name}", text, "public", FORBIDDEN))
    glued = [
        # Oxigraph reads keywords without a word boundary: these all call the endpoint there.
        ("glued-iri", f"SELECT * WHERE {{ SERVICE<{canary}>{{ ?s ?p ?o }} }}"),
        ("glued-var", f"SELECT * WHERE {{ BIND(<{canary}> AS ?v) SERVICE?v{{}} }}"),
        ("glued-pname", f"PREFIX a: <{canary}> SELECT * WHERE {{ SERVICEa:b {{ ?s ?p ?o }} }}"),
        ("glued-empty-prefix", f"PREFIX : <{canary}> SELECT * WHERE {{ SERVICE:b {{ ?s ?p ?o }} }}"),
        ("prefix-named-service", f"PREFIX : <{canary}> SELECT * WHERE {{ service:b {{ ?s ?p ?o }} }}"),
        ("prefix-named-service-ns", f"PREFIX : <{canary}> SELECT * WHERE {{ service: {{ ?s ?p ?o }} }}"),
        ("after-true", f"PREFIX : <{canary}> SELECT * WHERE {{ ?s ?p true service:b {{ }} }}"),
        ("after-number", f"PREFIX : <{canary}> SELECT * WHERE {{ ?s ?p 1service:b {{ }} }}"),
        ("after-dot", f"SELECT * WHERE {{ ?s ?p ?o.SERVICE <{canary}> {{ }} }}"),
        ("after-brace", f"SELECT * WHERE {{ OPTIONAL{{}}SERVICE <{canary}>{{ }} }}"),
        ("silent-glued", f"SELECT * WHERE {{ SERVICE SILENT<{canary}>{{ }} }}"),
        ("servicesilent-pname", f"PREFIX : <{canary}> SELECT * WHERE {{ SERVICESILENT:b {{ }} }}"),
        ("non-ascii-prefix", f"PREFIX é: <{canary}> SELECT * WHERE {{ serviceé:b {{ }} }}"),
        ("lower-ask", f"ask {{ service <{canary}> {{ }} }}"),
        ("nested-service", f"SELECT * WHERE {{ SERVICE <{canary}> {{ SERVICE <{canary}> {{ }} }} }}"),
        ("deep-nesting", "SELECT * WHERE " + "{ " * 40 + f"SERVICE <{canary}> {{ }}" + " }" * 40),
        ("string-escape-reading", f'SELECT * WHERE {{ ?s ?p "\\u0022 }} SERVICE <{canary}> {{ }} #" }}'),
        ("base-relative", f"BASE <{canary}> SELECT * WHERE {{ SERVICE <> {{ }} }}"),
        ("base-relative-path", f"BASE <{canary}> SELECT * WHERE {{ SERVICE <sparql> {{ }} }}"),
        ("values-after", f"SELECT * WHERE {{ SERVICE ?v {{ }} }} VALUES ?v {{ <{canary}> }}"),
        ("exists-in-bind", f"SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{canary}> {{ }} }} AS ?e) }}"),
        ("exists-in-select", f"SELECT (EXISTS {{ SERVICE <{canary}> {{ }} }} AS ?e) WHERE {{ }}"),
        ("in-having", f"SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (EXISTS {{ SERVICE <{canary}> {{}} }})"),
        ("construct-where", f"CONSTRUCT WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}"),
        ("crlf-comments", f"SELECT *\r\n# c\r\nWHERE {{\r\n SERVICE\r\n# c\r\n<{canary}>\r\n{{ }} }}"),
        ("form-feed-ws", f"SELECT * WHERE {{\x0cSERVICE <{canary}> {{ }} }}"),
    ]
    attempts += [Attempt(f"service-{name}", text, "public", REFUSED) for name, text in glued]
    lookalikes = [
        # Not SERVICE for any engine (ASCII-only keywords) or not SPARQL at all: refused as text.
        ("escaped-keyword", "SERV\\u0049CE"), ("escaped-keyword-U", "\\U00000053ERVICE"),
        ("cyrillic-e", "SERVIC\u0415"), ("long-s", "\u017fERVICE"), ("dotless-i", "SERV\u0131CE"),
        ("dotted-I", "SERV\u0130CE"), ("fullwidth", "\uff33\uff25\uff32\uff36\uff29\uff23\uff25"),
        ("nbsp", "SERVICE\u00a0"), ("zero-width", "SER\u200bVICE"), ("soft-hyphen", "SERV\u00adICE"),
    ]
    attempts += [Attempt(f"service-lookalike-{name}",
                         f"SELECT * WHERE {{ {kw} <{canary}> {{ ?s ?p ?o }} }}", "public", REFUSED)
                 for name, kw in lookalikes]
    return attempts


def _update_attempts(canary: str) -> list[Attempt]:
    """Updates (LOAD above all) on the public endpoint: never run there (400)."""
    loads = [
        f"LOAD <{canary}>", f"load <{canary}>", f"LOAD SILENT <{canary}> INTO GRAPH <http://g/>",
        f"LOAD<{canary}>", f"LOADSILENT<{canary}>", f"PREFIX c: <{canary}> LOAD c:x",
        f"PREFIX : <{canary}> LOAD:x", f"PREFIX : <{canary}> load:x",
        f"# SELECT\nLOAD <{canary}>", f"LOAD <http://x/\\u0041#> ; LOAD <{canary}>",
        f"INSERT DATA {{ <a:s> <a:p> \"#\" }} ; LOAD <{canary}>",
        f"BASE <{canary}> LOAD <>", f"LoAd\n<{canary}>",
    ]
    others = [
        "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }", "insert data { <a:s> <a:p> 1 }",
        "DELETE WHERE { ?s ?p ?o }", "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "CLEAR ALL", "DROP ALL",
        "DROP SILENT GRAPH <http://g/>", "CREATE GRAPH <http://g/>", "COPY DEFAULT TO <http://g/>",
        "MOVE <http://a/> TO <http://b/>", "ADD <http://a/> TO <http://b/>", "INSERTDATA{}",
        "PREFIX ex: <http://x/> INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o }",
        "# comment\nclear default", f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "DR\\u004FP ALL",
    ]
    return [Attempt(f"public-update-{i}", text, "public", BAD) for i, text in enumerate(loads + others)]


def _admin_attempts(canary: str) -> list[Attempt]:
    """LOAD and SERVICE on the admin update path: refused even with the token (403), or
    refused as text (400)."""
    texts = [
        f"LOAD <{canary}>", f"LOAD SILENT <{canary}>", f"LOAD <{canary}> INTO GRAPH <http://g/>",
        f"load <{canary}>", f"LOAD<{canary}>", f"LOADSILENT<{canary}>",
        f"PREFIX c: <{canary}> LOAD c:x", f"PREFIX : <{canary}> LOAD:x", f"PREFIX : <{canary}> load:x",
        f"PREFIX : <{canary}> LOAD SILENT:x", f"INSERT DATA {{ <a:s> <a:p> 1 }} ;\nLOAD <{canary}>",
        f"INSERT DATA {{ <a:s> <a:p> 1 }} ; PREFIX : <{canary}> load:x",
        f"INSERT DATA {{ <a:s> <a:p> <http://x/\\u0041#> }} ; LOAD <{canary}>",
        # the spec's escape pre-expansion closes the string and exposes the LOAD
        f"INSERT DATA {{ <a:s> <a:p> \"\\u0022 }} ; LOAD <{canary}> ; INSERT DATA {{ <a:s> <a:p> \\u0022\" }}",
        f"# INSERT\nLOAD <{canary}>", f"BASE <{canary}> LOAD <>", f"BASE <{canary}> LOAD <x>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{canary}> {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{canary}> {{ ?s ?p ?o }} }} }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ FILTER EXISTS {{ SERVICE <{canary}> {{ }} }} }}",
        f"PREFIX : <{canary}> INSERT {{ ?s ?p ?o }} WHERE {{ service:x {{ ?s ?p ?o }} }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ BIND(<{canary}> AS ?v) SERVICE ?v {{ ?s ?p ?o }} }}",
        f"WITH <http://g/> INSERT {{ ?s ?p ?o }} WHERE {{ {{ SELECT * {{ SERVICE <{canary}> {{ ?s ?p ?o }} }} }} }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE<{canary}>{{ ?s ?p ?o }} }}",
        f"LOAD <{canary.replace('h', chr(92) + 'u0068', 1)}>",
        f"LO\\u0041D <{canary}>", f"CLEAR ALL ; LOAD <{canary}>",
    ]
    return [Attempt(f"admin-{i}", text, "admin", REFUSED) for i, text in enumerate(texts)]


VALID = [
    # Valid queries whose words merely look like the forbidden ones: answered 200.
    ("prefixed-to-delete", "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ?o FILTER(?s != ex:to-delete) }"),
    ("prefixed-2load", "PREFIX ex: <http://example.org/> ASK { ex:2load ?p ?o }"),
    ("langtag-en-service", 'SELECT ?s WHERE { ?s ?p "x"@en-service }'),
    ("variable-service", "SELECT ?service WHERE { ?service ?p ?o }"),
    ("variable-load", "SELECT $load ?insert WHERE { $load ?insert ?o }"),
    ("prefix-named-service", "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:p ?o }"),
    ("graph-prefix-service", "PREFIX service: <http://example.org/> SELECT * WHERE { GRAPH service:g { ?s ?p ?o } }"),
    ("from-prefix-service", "PREFIX service: <http://example.org/> SELECT * FROM service:g WHERE { ?s ?p ?o }"),
    ("iri-with-service", "SELECT * WHERE { ?s ?p ?o FILTER(?p != <http://x/SERVICE>) }"),
    ("string-with-service", 'SELECT * WHERE { ?s ?p ?o FILTER(STR(?o) != "SERVICE <http://x/> { }") }'),
    ("comment-with-load", "SELECT * WHERE { ?s ?p ?o } # LOAD <http://x/> ; SERVICE"),
    ("local-with-dots", "PREFIX ex: <http://example.org/> ASK { ex:load.service ?p ?o }"),
    ("escaped-local", "PREFIX ex: <http://example.org/> ASK { ex:insert\\-data ?p ?o }"),
    ("iri-escape-hash", "SELECT * WHERE { BIND(<http://x/\\u0041#> AS ?z) ?s ?p ?o }"),
    ("long-string-with-braces", "SELECT * WHERE { BIND('''} SERVICE <http://x/> {''' AS ?t) }"),
]


def corpus(canary: str) -> list[Attempt]:
    """Every attempt of the corpus, aimed at ``canary`` (a base URL ending in '/')."""
    valid = [Attempt(f"valid-{name}", text, "public", OK) for name, text in VALID]
    attempts = (_service_attempts(canary) + _update_attempts(canary) + _admin_attempts(canary)
                + valid)
    unique = {(a.path, a.text): a for a in reversed(attempts)}  # the first name of a text
    return [a for a in attempts if unique[(a.path, a.text)] is a]
