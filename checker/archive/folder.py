"""The archive store on a local folder: one .warc.gz per payload digest.

`<folder>/<2 chars>/<digest>.warc.gz` starts with the request and response records of
the first capture of that payload; every later capture of the same payload (the same
page unchanged, or the same bytes at another address) appends a request and a small
revisit record pointing back to it. Appends hold an exclusive lock on the file, and a
write that fails half way (a full disk) is cut back off, so a file only ever holds
whole records. Blocking file I/O: the pipeline calls it off the event loop.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from checker.archive.records import Original, payload_digest, record_pair
from checker.model import FetchResult
from checker.outcome import StoredRecord


class ArchiveError(Exception):
    """The archive folder cannot be used; the message says which and why."""


class FolderArchive:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def check_writable(self) -> None:
        """Raise ArchiveError (one sentence) unless files can be created in the folder."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ArchiveError(
                f"archive folder {self.folder} is not writable ({reason}): fix its permissions, "
                "set [archive] folder to a writable folder, or capture = false"
            ) from None

    def store(
        self, result: FetchResult, request_headers: list[tuple[str, str]], when: datetime
    ) -> StoredRecord:
        """Append `result`'s records to its payload's file; raises OSError on disk trouble."""
        digest = payload_digest(result.body)
        relative = self.relative_path(digest)
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            offset = os.fstat(fd).st_size
            original = _original(path) if offset else None
            pair = record_pair(result, request_headers, when, original=original)
            try:
                _write_all(fd, pair.data)
                os.fsync(fd)
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, offset)  # never leave half a record behind
                    if offset == 0:
                        path.unlink()
                raise
        finally:
            os.close(fd)  # releases the lock
        return StoredRecord(
            path=relative,
            offset=offset,
            length=len(pair.data),
            digest=digest,
            record="revisit" if original else "response",
            record_id=pair.record_id,
            url=result.final_url,
        )

    @staticmethod
    def relative_path(digest: str) -> str:
        name = digest.removeprefix("sha1:")
        return f"{name[:2]}/{name}.warc.gz"

    def read(self, relative: str, offset: int, length: int) -> bytes:
        """The bytes of stored records (whole gzip members: a valid .warc.gz on their own)."""
        with self._open(relative) as fh:
            fh.seek(offset)
            return fh.read(length)

    def original_span(self, relative: str) -> tuple[int, int]:
        """(offset, length) of the response record and its request at the head of a file:
        what a revisit record refers to."""
        with self._open(relative) as fh:
            records = ArchiveIterator(fh)
            end = 0
            for seen, record in enumerate(records):
                if seen >= 2:
                    break
                record.content_stream().read()
                end = records.get_record_offset() + records.get_record_length()
            return 0, end

    def delete(self, relative: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / self._safe(relative)).unlink()

    def _open(self, relative: str) -> BinaryIO:
        return (self.folder / self._safe(relative)).open("rb")

    @staticmethod
    def _safe(relative: str) -> str:
        parts = Path(relative).parts
        if Path(relative).is_absolute() or ".." in parts or len(parts) != 2:
            raise ArchiveError(f"not a path inside the archive: {relative!r}")
        return relative


def _original(path: Path) -> Original | None:
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                return Original(
                    url=str(record.rec_headers.get_header("WARC-Target-URI")),
                    date=str(record.rec_headers.get_header("WARC-Date")),
                )
    return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
