"""hsvo-graph: a knowledge graph and SPARQL service over HSVO governance in Uppsala county."""

__version__ = "0.1.0"
