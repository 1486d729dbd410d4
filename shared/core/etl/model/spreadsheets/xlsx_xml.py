"""A streaming XML reader for workbook parts: expat, by local name, no DTD, bounded depth.

A part with a document type declaration is refused outright, so no entity can
be declared (and none expanded); elements nest at most `MAX_XML_DEPTH` deep.
Handlers see local names (`c`, `row`, `si`), attributes included, whatever
namespace prefixes the writer chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from xml.parsers import expat

from shared.core.common.errors import InputError
from shared.core.etl.model.spreadsheets.limits import MAX_XML_DEPTH


class XmlHandler:
    """What a part's reader does with its elements; the default ignores everything."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element opens."""

    def end(self, name: str) -> None:
        """An element closes."""

    def text(self, data: str) -> None:
        """Character data (in pieces)."""


def parse_part(chunks: Iterable[bytes], handler: XmlHandler, part: str) -> Iterator[None]:
    """Feed `chunks` to `handler`; yields after each chunk so a caller can take its results."""
    parser = _parser(handler, part)
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise InputError(
            "file", f"part {part} is not well-formed XML (line {exc.lineno}: {exc.code})"
        ) from None
    yield


def read_part(chunks: Iterable[bytes], handler: XmlHandler, part: str) -> None:
    for _ in parse_part(chunks, handler, part):
        pass


def _parser(handler: XmlHandler, part: str) -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    depth = 0
    names: dict[str, str] = {}  # "{namespace} local" → "local": few names, many elements

    def local(name: str) -> str:
        found = names.get(name)
        if found is None:
            found = names[name] = name.rpartition(" ")[2]
        return found

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise InputError("file", f"part {part} nests elements more than {MAX_XML_DEPTH} deep")
        handler.start(local(name), {local(key): value for key, value in attrs.items()})

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        handler.end(local(name))

    def refuse(*_: object) -> None:
        raise InputError("file", f"part {part} declares a document type (entities are refused)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser
