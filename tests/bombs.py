"""Decompression and parse bombs, built small in memory for the tests that refuse them."""

from __future__ import annotations

import base64
import zlib

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
