"""The OASIS CAP 1.2 XSD (kept under tests/fixtures/schemas with its notice), and a check
that a document is valid against it (with lxml, which can read XSD)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "CAP-v1.2.xsd"
# Nothing in a schema or a document may reach the network or expand entities.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@cache
def cap12_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD), parser=PARSER))


def assert_valid_cap(document: bytes) -> None:
    """Fail with the XSD's own messages when the document is not valid CAP 1.2."""
    schema = cap12_schema()
    root = etree.fromstring(document, parser=PARSER)
    assert schema.validate(root), f"not valid CAP 1.2: {schema.error_log}\n{document.decode()}"
