"""One citation's WARC download: the records of its captures, each revisit preceded by
the response it refers to, so the file replays on its own (gzip members concatenated
make a valid .warc.gz). Blocking file reads: callers run it off the event loop."""

from __future__ import annotations

from collections.abc import Sequence

from checker.archive.folder import FolderArchive


def citation_warc(archive: FolderArchive, spans: Sequence[tuple[str, int, int, str]]) -> bytes:
    """`spans` are (file, offset, length, record) of the captures, oldest first; raises
    OSError when a file is missing from the folder."""
    chunks: list[bytes] = []
    seen: set[tuple[str, int, int]] = set()
    for path, offset, length, record in spans:
        wanted = [(path, offset, length)]
        if record == "revisit":
            wanted.insert(0, (path, *archive.original_span(path)))
        for span in wanted:
            if span not in seen:
                seen.add(span)
                chunks.append(archive.read(*span))
    return b"".join(chunks)
