"""The errors of the shmtel package: one base class, one subclass per kind of failure.

Each message names the region (or schema file), the value found, the bound or value expected and
the fix, as the Java implementation's do (``io.shmtel.core.region.*Exception``).
"""


class ShmtelError(Exception):
    """Base class of every error this package raises on purpose."""


class SchemaError(ShmtelError):
    """A schema (file, text or dict) that is not valid; ``problems`` lists every problem found."""

    def __init__(self, source, problems):
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


class InvalidRegionNameError(ShmtelError, ValueError):
    """A region name that does not match ``[A-Za-z0-9][A-Za-z0-9._-]{0,127}`` (refused before any file call)."""


class RegionNotFoundError(ShmtelError, FileNotFoundError):
    """No region file of that name (or no such directory)."""


class RegionPermissionError(ShmtelError, PermissionError):
    """A region file this user may not use: another owner, group/world-writable, not a regular file, a link."""


class RegionNotReadyError(ShmtelError):
    """A region still being created after the bounded wait (its format version word stayed 0)."""


class CorruptRegionError(ShmtelError):
    """A region whose header, record table or embedded schema does not check out, or a file truncated under us."""


class IncompatibleRegionError(CorruptRegionError):
    """A region of another major format version."""


class RegionClosedError(ShmtelError):
    """Use of a region object after its ``close()``."""


class ContentionError(ShmtelError):
    """A latest-value read that failed its retries: the writer lapped the ring on every attempt."""
