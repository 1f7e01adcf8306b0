"""A report as a .txt file: every line a block; encodings as sources.decode_text reads them, TCVN3/VNI converted."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from warehouse import sources
from warehouse.extract.model import Block, Document
from warehouse.extract.read import fix_legacy


def read(path: Path) -> Document:
    text, _ = sources.decode_text(path.read_bytes(), path.name)
    blocks = [Block(unicodedata.normalize("NFC", line), number) for number, line in enumerate(text.splitlines(), start=1)
              if line.strip()]
    blocks, notes = fix_legacy(blocks)
    return Document(path.name, "txt", blocks, notes)
