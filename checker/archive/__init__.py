"""The archive of record: WARC captures of what each source said, kept in a local folder.

`records` builds the WARC records (pure), `folder` stores them content-addressed by
payload digest, `capture` decides when a check captures and never lets it fail the check.
"""

from checker.archive.capture import (
    archive_folder,
    capturable,
    capture_reasons,
    capture_response,
    open_archive,
)
from checker.archive.folder import ArchiveError, FolderArchive

__all__ = [
    "ArchiveError",
    "FolderArchive",
    "archive_folder",
    "capturable",
    "capture_reasons",
    "capture_response",
    "open_archive",
]
