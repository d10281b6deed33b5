"""What a SPARQL request does, read once from its tokens: the one analysis of query text.

The guard (SERVICE, LOAD, updates), the answer kind (form), the dataset clause and
parameter binding all need to know what a query *says*, not which words it contains: a
keyword inside an IRI, a string, a comment, a prefixed name (``ex:to-delete``), a
variable (``?service``) or a language tag (``@en-service``) is not a keyword. So the text is
split by a tokenizer that implements the terminals of the SPARQL 1.1 grammar (section 19.8)
exactly — IRIREF with UCHAR escapes, the four string forms with ECHAR/UCHAR escapes,
comments, PNAME_NS/PNAME_LN with PLX escapes and inner dots, BLANK_NODE_LABEL, LANGTAG,
VAR1/VAR2, numbers, NIL/ANON — followed by one light structural pass. The result is a frozen
``Analysis`` that callers pass on instead of scanning the text again.

Two deliberate departures make the safety flags conservative with respect to the engines
that actually run the text, not only to the grammar:

* Oxigraph's parser (both store modes run it) matches keywords with no word boundary, so it
  reads ``SERVICEa:b {`` as ``SERVICE a:b {``, ``service:b {`` as ``SERVICE :b {`` and
  ``trueservice:b {`` as ``true SERVICE :b {``. SERVICE is therefore flagged for any bare
  word that contains it and for a prefixed name whose prefix contains it when a group
  ``{`` follows (outside ``GRAPH``/``FROM``/``NAMED``); LOAD likewise where an update
  operation can start. ``?service``, ``ex:service``, ``service:x`` in a triple,
  ``"x"@en-service`` stay plain terms.
* The SPARQL specification expands ``\\uXXXX`` escapes over the whole text before parsing
  (rdflib does; Oxigraph expands them only inside IRIs and strings). When the text holds
  such escapes, the expanded reading must be SPARQL as well and its flags are added, so
  neither reading can hide a SERVICE, LOAD or update from the other.

Analysing ``ASK {}`` takes about 20 µs; the request path never loads a full parser. The one
thing the engine is asked is what IRI a term of the dataset clause names (``Analysis.resolve``):
that is its reading by definition, and only a query with FROM pays for it.
"""

import re
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple, TypeVar

import pyoxigraph as ox

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "UPDATE"]
QUERY_FORMS: tuple[Form, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_OPERATIONS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                     "WITH")

# -- terminals (SPARQL 1.1 grammar, section 19.8) -----------------------------------------
_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
                  "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf"
                  "\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# "(x|y)* then not a dot" written without backtracking: a dot run counts only when a name
# character follows it, so the dots that end a statement stay outside the name.
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}]|\\.+[{_PN_CHARS}])*+"
_PN_LOCAL = (f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
             f"(?:[{_PN_CHARS}:]|{_PLX}|\\.+(?:[{_PN_CHARS}:]|{_PLX}))*+")
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_EXPONENT = r"[eE][+-]?[0-9]+"
_WS = r"[ \t\r\n]"

# Whitespace and comments, then one terminal: alternatives in an order that gives the
# grammar's longest match at every position (END: only whitespace or comments were left).
_SKIP = f"(?:{_WS}++|#[^\\r\\n]*+)*+"
_TOKEN = re.compile(_SKIP + "(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in (
    ("IRIREF", f"<(?:[^<>\"{{}}|^`\\\\\x00-\x20]|{_UCHAR})*>"),
    ("STRING", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''"
               f'|"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*"""'
               f"|'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*'"
               f'|"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*"'),
    ("VAR", f"[?$]{_VARNAME}"),
    ("BNODE", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}]|\\.+[{_PN_CHARS}])*+"),
    ("PNAME", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("NUMBER", f"[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}"
               r"|[0-9]*\.[0-9]+|[0-9]+"),
    ("WORD", r"[A-Za-z][A-Za-z0-9_]*+"),
    ("NIL", f"\\({_WS}*\\)"),
    ("ANON", f"\\[{_WS}*\\]"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*+\-/!=<>^|?]"),
    ("ERROR", r"[\s\S]+"),  # the rest of the text: nothing after an error is read
    ("END", r"\Z"),
)) + ")")
_OPEN, _CLOSE = {"{": "}", "(": ")", "[": "]"}, {"}": "{", ")": "(", "]": "["}
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LARGEST_LIMIT = 2**64 - 1  # pyoxigraph reads LIMIT and OFFSET as 64-bit unsigned integers
MAX_DEPTH = 64  # deeper nesting is refused: no real query needs it, and parsers recurse
# Longest chain of operators and pattern elements along one nesting path (see ``_chain_step``).
# pyoxigraph recurses once per link of such a chain while it parses and evaluates a query, and
# its worker dies of a stack overflow (8 MiB, the Linux default) somewhere between 2,600 links
# (projected expressions, ``(1 AS ?v1) (1 AS ?v2) …``) and 11,000 (``|`` alternatives):
# 6,900 ``*`` or ``+``, 9,300 ``!`` or ``&&``, 6,500 UNION or OPTIONAL, 8,100 triple patterns
# or ``/`` path steps. 500 leaves a margin of four: the dearest chains the analysis lets
# through (500 projected expressions or path steps) still run with a 2 MiB stack, and any
# kind of chain at the bottom of MAX_DEPTH brackets does (tests/test_guard_depth.py).
MAX_CHAIN = 500
# Links of a chain in any bracket: binary and unary operators, property path operators.
_CHAIN_OPERATORS = frozenset({"*", "/", "+", "-", "!", "|", "^", "&&", "||"})
# ... inside a group or a blank node's brackets: one more triple pattern each ("," in
# parentheses separates the arguments of a call or an IN list, which pyoxigraph keeps in a list)
_CHAIN_SEPARATORS = frozenset({".", ";", ","})
# ... and words that add one operator of the algebra over what came before: a group's
# elements and an expression given a name (projection, BIND, GROUP BY; a link of the
# pattern around its brackets)
_CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "GRAPH", "SERVICE", "VALUES",
                          "AS"})


class AnalysisError(ValueError):
    """The text is not SPARQL 1.1 (a character no terminal matches, unbalanced brackets, no
    query form or update operation where one must be); the message says where."""


class Token(NamedTuple):
    """One terminal: its kind (a group name of ``_TOKEN``), its text and its offset (a
    tuple: tokens are made for every request, and tuples are the cheapest to make)."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the service decides from a query or update text.

    ``form``: the query form, or UPDATE. ``operations``: the update operations in order
    (their first keyword). ``service``/``load``: SERVICE or LOAD anywhere (conservatively, see
    the module docstring). ``from_graphs``/``from_named``: the dataset clause as written
    (IRIREF or prefixed name). ``using``/``with_graph``: an update names its own dataset.
    ``depth``: deepest nesting of ``{ ( [``. ``prologue``: the prologues' declarations as
    written, in order: ``(prefix, IRI)`` for a PREFIX, ``(None, IRI)`` for a BASE (the base
    a PREFIX is read against is the one in force where it is declared). ``limit``: a
    SELECT's own top-level LIMIT and the offsets of its number; ``values_at``: the offset
    of its trailing top-level VALUES clause (both for ``with_row_limit``).
    """

    form: Form
    operations: tuple[str, ...]
    service: bool
    load: bool
    from_graphs: tuple[str, ...]
    from_named: tuple[str, ...]
    using: bool
    with_graph: bool
    depth: int
    prologue: tuple[tuple[str | None, str], ...]
    limit: tuple[int, int, int] | None = None
    values_at: int | None = None

    @property
    def is_update(self) -> bool:
        """True for SPARQL Update (any operation), whatever the form keyword said."""
        return self.form == "UPDATE" or bool(self.operations)

    def resolve(self, term: str, base: str) -> str:
        """The IRI of a term written in this query (``<rel>`` or ``p:local``) as the engine
        reads it with ``base`` as its base IRI: pyoxigraph itself reads the term after the
        query's own prologue. Its reading is the one that counts (the graphs it is handed
        must be the ones the query names), and it differs from urllib's ``urljoin`` (which
        leaves a reference unresolved against ``tag:``, ``urn:`` or an application's own
        scheme) and from a reading of the prologue as one table (a PREFIX is read against
        the base where it is declared, not a later BASE). AnalysisError when the engine
        cannot read it (a prefix not declared)."""
        declared = " ".join(f"BASE <{iri}>" if prefix is None else f"PREFIX {prefix}: <{iri}>"
                            for prefix, iri in self.prologue)
        try:
            read = ox.Store().query(f"{declared} SELECT ({term} AS ?x) {{}}", base_iri=base)
        except (SyntaxError, ValueError) as exc:
            raise AnalysisError(f"cannot read {term}: {exc}") from None
        assert isinstance(read, ox.QuerySolutions)  # a SELECT
        value = next(read)["x"]
        if not isinstance(value, ox.NamedNode):
            raise AnalysisError(f"{term} is not an IRI")
        return value.value


def _codepoint(match: re.Match[str]) -> str:
    """The character a ``\\u``/``\\U`` escape stands for; AnalysisError for a surrogate or
    a number beyond Unicode, which no IRI or string may hold."""
    value = int(match.group(1) or match.group(2), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise AnalysisError(f"{match.group(0)} is not a Unicode character")
    return chr(value)


def position(text: str, offset: int) -> str:
    """Where ``offset`` is in ``text``, as people and pyoxigraph count: "line L, column C"
    (both from 1, columns in characters)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return f"line {text.count(chr(10), 0, offset) + 1}, column {offset - line_start + 1}"


def tokenize(text: str) -> list[Token]:
    """The significant tokens of ``text`` (whitespace and comments dropped).

    AnalysisError at the first character no terminal of the grammar can start with.
    """
    tokens = [Token(m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup))  # type: ignore[arg-type]
              for m in _TOKEN.finditer(text)]
    while tokens and tokens[-1].kind == "END":  # one or two: after trailing space, at the end
        tokens.pop()
    if tokens and tokens[-1].kind == "ERROR":
        at = tokens[-1].start
        raise AnalysisError(f"unexpected {text[at]!r} at {position(text, at)}")
    return tokens


_K = TypeVar("_K", bound=str)
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _leading(token: Token) -> str:
    """The letters a boundary-less keyword matcher could read as a keyword here: a bare
    word, or the prefix of a prefixed name, upper-cased in ASCII only (as parsers compare);
    "" for any other token."""
    if token.kind == "WORD":
        return token.text.translate(_ASCII_UPPER)
    if token.kind == "PNAME":
        return token.text.partition(":")[0].translate(_ASCII_UPPER)
    return ""


def _starting(token: Token, keywords: tuple[_K, ...]) -> _K | None:
    """The keyword of ``keywords`` that ``token`` begins with, if any."""
    lead = _leading(token)
    return next((k for k in keywords if lead and lead.startswith(k)), None)


def _word(tokens: list[Token], i: int) -> str:
    """The upper-cased bare word at ``tokens[i]``; "" for any other token or none."""
    return tokens[i].text.upper() if 0 <= i < len(tokens) and tokens[i].kind == "WORD" else ""


def _chain_step(token: Token, before: Token | None, frame: str) -> bool:
    """Whether ``token`` (after ``before``), read inside a bracket opened by ``frame`` (""
    at the top level), adds one link to a chain that pyoxigraph parses and evaluates
    recursively: an operator, a triple pattern or another element of a group, a named
    expression, a group itself. A sign where an operand begins (``(-1``, ``, +2``) is not a
    link: two signs cannot follow each other."""
    if token.kind == "PUNCT":
        if token.text in ("+", "-"):
            return before is not None and (before.kind != "PUNCT" or before.text in ")]")
        return (token.text in _CHAIN_OPERATORS or token.text == "{"
                or (token.text in _CHAIN_SEPARATORS and frame != "("))
    return token.kind == "WORD" and token.text.upper() in _CHAIN_WORDS


def _flags_and_depth(text: str, tokens: list[Token]) -> tuple[bool, bool, int, list[int]]:
    """SERVICE and LOAD anywhere (conservatively, see the module docstring), the deepest
    nesting, and the indices of the top-level tokens; AnalysisError on unbalanced brackets,
    nesting deeper than MAX_DEPTH, or a chain longer than MAX_CHAIN (counted along the
    nesting path: a chain inside a bracket adds to the chains around it)."""
    service = load = False
    stack: list[str] = []
    links = [0]  # per open bracket (and the top level), the chain links read in it
    chain = 0  # their sum
    # a VALUES block and an update's INSERT DATA / DELETE DATA block are data (lists that
    # pyoxigraph reads in a loop, however long: 30,000 triples were fine): read from their
    # "{" (at this many open brackets) to its "}" without counting links
    data_next, data_from = False, 0
    depth = 0
    top: list[int] = []
    for i, token in enumerate(tokens):
        if not stack:
            top.append(i)
        kind = token.kind
        if not data_from and _chain_step(token, tokens[i - 1] if i else None,
                                         stack[-1] if stack else ""):
            # a name given to an expression, "(… AS ?v)", extends the pattern around its
            # brackets: a projection of many is one long chain, not many short ones
            links[-2 if len(links) > 1 and token.text.upper() == "AS" else -1] += 1
            chain += 1
            if chain > MAX_CHAIN:
                raise AnalysisError(
                    f"the query chains more than {MAX_CHAIN} operators or pattern elements "
                    f"(at {position(text, token.start)}), more than the engine can nest; "
                    "write long lists of alternatives as VALUES or IN ( … )")
        if kind == "WORD" or kind == "PNAME":
            lead = _leading(token)
            if "SERVICE" in lead and (
                kind == "WORD"
                or (i + 1 < len(tokens) and tokens[i + 1].text == "{"
                    and _word(tokens, i - 1) not in ("GRAPH", "FROM", "NAMED"))
            ):
                service = True
            if kind == "WORD" and "LOAD" in lead:
                load = True
            data_next = data_next or (kind == "WORD" and lead in ("VALUES", "DATA"))
        elif kind == "PUNCT" and token.text in _OPEN:
            stack.append(token.text)
            links.append(0)
            if data_next and token.text == "{":
                data_next, data_from = False, data_from or len(stack)
            depth = max(depth, len(stack))
            if len(stack) > MAX_DEPTH:
                raise AnalysisError(f"nesting deeper than {MAX_DEPTH} levels at "
                                    f"{position(text, token.start)}")
        elif kind == "PUNCT" and token.text in _CLOSE:
            if not stack or stack.pop() != _CLOSE[token.text]:
                raise AnalysisError(f"unbalanced {token.text!r} at {position(text, token.start)}")
            chain -= links.pop()
            if len(stack) < data_from:
                data_from = 0
    if stack:
        raise AnalysisError(f"unclosed {stack[-1]!r} at the end of the text")
    return service, load, depth, top


def _structure(text: str, tokens: list[Token]) -> Analysis:
    """The light structural pass over the top-level tokens of ``text``: prologues, the form
    or the update operations (one after each ``;``), the dataset clause and USING/WITH."""
    service, load, depth, top = _flags_and_depth(text, tokens)
    prologue: list[tuple[str | None, str]] = []
    form: Form | None = None
    operations: list[str] = []
    from_graphs: list[str] = []
    from_named: list[str] = []
    using, at_start = False, True
    limit: tuple[int, int, int] | None = None
    values_at: int | None = None
    k = 0
    while k < len(top):
        i = top[k]
        token, word = tokens[i], _word(tokens, i)
        if at_start and word == "PREFIX":
            if not (_kind(tokens, i + 1, "PNAME") and tokens[i + 1].text.endswith(":")
                    and _kind(tokens, i + 2, "IRIREF")):
                raise AnalysisError(f"PREFIX at {position(text, token.start)} needs a prefix "
                                    "and an IRI")
            prologue.append((tokens[i + 1].text[:-1], tokens[i + 2].text[1:-1]))
            k += 3
            continue
        if at_start and word == "BASE":
            if not _kind(tokens, i + 1, "IRIREF"):
                raise AnalysisError(f"BASE at {position(text, token.start)} needs an IRI")
            prologue.append((None, tokens[i + 1].text[1:-1]))
            k += 2
            continue
        if at_start:
            # only an update comes back here (after ';'), so a query form only comes first
            query_form = _starting(token, QUERY_FORMS) if form is None else None
            operation = None if query_form else _starting(token, UPDATE_OPERATIONS)
            if operation is not None:
                operations.append(operation)
            elif query_form is None:
                raise AnalysisError(f"expected SELECT, ASK, CONSTRUCT, DESCRIBE or an update "
                                    f"operation, not {token.text!r} at "
                                    f"{position(text, token.start)}")
            form = query_form or "UPDATE"
            at_start = False
        elif token.text == ";" and token.kind == "PUNCT":
            if form != "UPDATE":
                raise AnalysisError(f"';' at {position(text, token.start)} outside any group: "
                                    "a query is one operation (updates go to the update "
                                    "endpoint)")
            at_start = True
        elif form != "UPDATE" and word in ("FROM", "FROMNAMED"):
            named = word == "FROMNAMED" or (k + 1 < len(top) and _word(tokens, top[k + 1]) == "NAMED")
            at = k + (2 if named and word == "FROM" else 1)
            if at < len(top):
                (from_named if named else from_graphs).append(tokens[top[at]].text)
        elif word == "USING":
            using = True
        elif form == "SELECT" and word == "LIMIT" and k + 1 < len(top) and _kind(
                tokens, top[k + 1], "NUMBER") and tokens[top[k + 1]].text.isdigit():
            number = tokens[top[k + 1]]
            limit = (int(number.text), number.start, number.start + len(number.text))
        elif form == "SELECT" and word == "VALUES":
            values_at = token.start
        k += 1
    return Analysis(
        form=form or "UPDATE", operations=tuple(operations), service=service,
        load=load or "LOAD" in operations, from_graphs=tuple(from_graphs),
        from_named=tuple(from_named), using=using, with_graph="WITH" in operations,
        depth=depth, prologue=tuple(prologue), limit=limit,
        values_at=values_at,
    )


def with_row_limit(text: str, analysis: Analysis, rows: int) -> str | None:
    """``text`` answering at most ``rows`` solutions: its own top-level LIMIT lowered to
    ``rows``, or a LIMIT added where the solution modifiers end (before a trailing VALUES
    clause). The store then stops there and its own serialiser can write the answer (see
    ``sparql.results.encode_limited``). None for anything but a SELECT, a text whose
    ``\\u`` escapes make two readings, or a LIMIT larger than pyoxigraph reads (left to the
    general path: the engine refuses the text as sent, where the lowered one was answered)."""
    if analysis.form != "SELECT" or analysis.operations or "\\u" in text or "\\U" in text:
        return None
    if analysis.limit is not None:
        value, start, end = analysis.limit
        if value > _LARGEST_LIMIT:
            return None
        return text if value <= rows else f"{text[:start]}{rows}{text[end:]}"
    at = len(text) if analysis.values_at is None else analysis.values_at
    return f"{text[:at]}\nLIMIT {rows}\n{text[at:]}"  # own lines: a comment may end the text


def _kind(tokens: list[Token], i: int, kind: str) -> bool:
    return i < len(tokens) and tokens[i].kind == kind


def _read(text: str) -> Analysis:
    return _structure(text, tokenize(text))


def analyse(text: str) -> Analysis:
    """The analysis of a query or update text; AnalysisError when it is not SPARQL 1.1.

    With ``\\u``/``\\U`` escapes in the text, the specification's reading (escapes expanded
    first) must be SPARQL too, and its flags are added, so an escape can hide nothing.
    """
    analysis = _read(text)
    if "\\u" not in text and "\\U" not in text:
        return analysis
    try:
        expanded = _read(_CODEPOINT.sub(_codepoint, text))
    except AnalysisError as exc:
        raise AnalysisError(f"with its \\u escapes expanded first, as the SPARQL specification "
                            f"reads them, the text is not SPARQL: {exc}") from exc
    operations = analysis.operations + tuple(
        op for op in expanded.operations if op not in analysis.operations)
    return replace(
        analysis, service=analysis.service or expanded.service,
        load=analysis.load or expanded.load, operations=operations,
        form="UPDATE" if expanded.form == "UPDATE" else analysis.form,
    )
