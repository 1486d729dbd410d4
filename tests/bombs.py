"""Decompression and parse bombs, built small in memory for the tests that refuse them."""

from __future__ import annotations

import base64
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook

MIB = 1024 * 1024


def gzip_bomb(inflated_bytes: int, prefix: bytes = b'{"tag":[1') -> str:
    """Base64 gzip of `prefix` then `inflated_bytes` spaces: tiny compressed, huge inflated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(prefix)]
    block = b" " * MIB
    for _ in range(inflated_bytes // MIB):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    return base64.b64encode(b"".join(parts)).decode()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def workbook(rows: Iterable[Sequence[object]]) -> bytes:
    """A real XLSX (openpyxl) holding `rows` on its first sheet."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_parts(xlsx: bytes, parts: dict[str, Iterable[bytes]]) -> bytes:
    """`xlsx` with each named part replaced by (or added as) its chunks, deflated as they
    stream."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, chunks in parts.items():
            with target.open(name, "w") as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def with_shared_strings(xlsx: bytes, strings: Iterable[bytes], rows_xml: bytes) -> bytes:
    """`xlsx` (from `workbook`) given a shared-strings part, declared in its content types and
    relationships, and a first sheet of `rows_xml` (cells with t="s" refer to the strings)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        types = source.read("[Content_Types].xml")
        rels = source.read("xl/_rels/workbook.xml.rels")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99"/></Relationships>',
    )
    return replace_parts(xlsx, {
        "[Content_Types].xml": [types],
        "xl/_rels/workbook.xml.rels": [rels],
        "xl/sharedStrings.xml": strings,
        "xl/worksheets/sheet1.xml": sheet(rows_xml),
    })  # fmt: skip


HEADER_FROM_STRINGS = (
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>42-501-20130</t></is></c><c r="B2"><v>1.5</v></c>'
    b"</row>"
)


def shared_strings(items: Iterable[bytes], head: bytes = b"") -> Iterator[bytes]:
    """A sharedStrings part of `<si><t>item</t></si>`, streamed (`head` goes before `<sst>`)."""
    yield XML_HEAD + head + f'<sst xmlns="{MAIN}">'.encode()
    batch: list[bytes] = []
    for item in items:
        batch.append(b"<si><t>" + item + b"</t></si>")
        if len(batch) == 4096:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch) + b"</sst>"


def sheet(rows_xml: bytes, head: bytes = b"") -> list[bytes]:
    """A worksheet part whose sheetData holds `rows_xml`."""
    return [XML_HEAD, head, f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(), rows_xml,
            b"</sheetData></worksheet>"]  # fmt: skip


def shared_strings_bomb(inflated_bytes: int) -> bytes:
    """A real workbook whose shared-strings part inflates to `inflated_bytes` of one-letter
    strings (a million strings per 17 MB)."""
    count = inflated_bytes // len(b"<si><t>a</t></si>")
    strings = shared_strings(itertools.chain([b"API", b"Oil"], itertools.repeat(b"a", count)))
    return with_shared_strings(workbook([["x"]]), strings, HEADER_FROM_STRINGS)
