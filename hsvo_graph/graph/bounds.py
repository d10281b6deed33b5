"""What pyoxigraph's parsers are not safe against, checked before they read a document.

They fetch nothing (no external entity, DTD or remote JSON-LD context), but three inputs
within any upload limit took the whole process down, with no answer and no log line:

* RDF/XML internal entities are expanded when declared, each into one string, without
  limit: a 1 kB billion-laughs document (ten entities of ten references each) asked for
  30 GB and the service was killed for memory. The text they expand to may be at most
  ``MAX_EXPANSION`` times the document's own size (``&owl;`` for a namespace is 6 times).
* JSON-LD's expansion takes memory quadratic in the nesting of node objects: 170 kB of
  5,000 nested objects took 1.7 GB, then overflowed the stack (a segmentation fault).
* Turtle's, TriG's, N-Triples' and N-Quads' triple terms ``<<( s p o )>>`` are built
  recursively: 20,000 nested in 600 kB overflowed the stack.

So JSON nesting and triple-term nesting may be at most ``MAX_DEPTH`` deep (a plan's
JSON-LD is under ten; RDF 1.2 examples nest triple terms two deep). A refusal says where
the limit was passed.
"""

import re

import pyoxigraph as ox

MAX_EXPANSION = 10
MAX_DEPTH = 64
_DECLARATION = re.compile(rb'<!ENTITY\s+(?:%\s+)?([^\s"\'>]+)\s+"([^"]*)"')
_REFERENCE = re.compile(rb"[&%]([^\s&%;#<>\"']+);")
# the tokens that open and close a level, and those that may hold the same characters
# without being one (strings; in Turtle IRIs and comments too), as the lexers read them
_JSON = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')
_TRIPLE_TERMS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"' r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\s]*>|#[^\n\r]*|<<\(|\)>>"
)
_NESTING = {
    ox.RdfFormat.JSON_LD: (_JSON, ("[", "{"), ("]", "}"), "JSON arrays and objects"),
    **{fmt: (_TRIPLE_TERMS, ("<<(",), (")>>",), "triple terms <<( … )>>") for fmt in
       (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)},
}


class TooLarge(ValueError):
    """A document past one of these bounds; the message says which, and where."""


def check_entities(data: bytes) -> None:
    """Refuse ``data`` (RDF/XML) when its internal entities, declared and referenced, would
    expand to more than ``MAX_EXPANSION`` times its size. Counted over the bytes as they
    are (a reference in a comment counts too), so never less than the parser expands."""
    if b"<!ENTITY" not in data:
        return
    lengths: dict[bytes, int] = {}

    def growth(text: bytes) -> int:
        return sum(lengths[m[1]] - len(m[0]) for m in _REFERENCE.finditer(text)
                   if m[1] in lengths)

    total = 0
    for declaration in _DECLARATION.finditer(data):
        lengths[declaration[1]] = len(declaration[2]) + growth(declaration[2])
        total += lengths[declaration[1]]
    total += growth(data)
    if total > MAX_EXPANSION * len(data):
        raise TooLarge(
            f"its <!ENTITY> declarations would expand to {total:,} bytes, more than "
            f"{MAX_EXPANSION} times the document's {len(data):,}; write the text out instead"
        )


def check_depth(text: str, fmt: ox.RdfFormat) -> None:
    """Refuse ``text`` when what ``fmt``'s parser nests recursively is deeper than
    ``MAX_DEPTH``, at the line and column of the first level too many."""
    if fmt not in _NESTING or (fmt != ox.RdfFormat.JSON_LD and "<<(" not in text):
        return
    tokens, opening, closing, what = _NESTING[fmt]
    depth = 0
    for token in tokens.finditer(text):
        if token[0] in opening:
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - text.rfind("\n", 0, token.start())
                raise TooLarge(f"line {line}, column {column}: {what} nested more than "
                               f"{MAX_DEPTH} deep")
        elif token[0] in closing:
            depth -= 1
