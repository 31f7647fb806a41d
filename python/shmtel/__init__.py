"""shmtel for Python: read (and write) shmtel regions in /dev/shm, from the schema embedded in each region.

Standard library only (numpy is used for array fields when it is importable). See docs/python.md.
"""

from .errors import (ContentionError, CorruptRegionError, IncompatibleRegionError, InvalidRegionNameError,
                     RegionClosedError, RegionNotFoundError, RegionNotReadyError, RegionPermissionError, SchemaError,
                     ShmtelError)
from .region import Region, State, Stream, open  # noqa: A004 (shmtel.open is the package's entry point)
from .sample import Sample

__all__ = ["open", "State", "Region", "Stream", "Sample", "ShmtelError", "SchemaError", "InvalidRegionNameError",
           "RegionNotFoundError", "RegionPermissionError", "RegionNotReadyError", "CorruptRegionError", "IncompatibleRegionError", "RegionClosedError",
           "ContentionError"]

# Writing (writer.py, _owner.py, _fields.py, mailbox.py, _consumer.py).
from ._atomics import AtomicsUnavailableError
from ._fields import FieldError, FieldTypeError
from ._owner import InvalidModeError, NoSpaceError, RegionIoError, RegionOwnedError
from ._consumer import Message
from .mailbox import CONSUMER_DIED, DONE, MailboxTimeoutError
from .writer import Writer, create

__all__ += ["create", "Writer", "RegionOwnedError", "NoSpaceError", "RegionIoError", "FieldError", "FieldTypeError",
            "InvalidModeError", "DONE", "CONSUMER_DIED", "MailboxTimeoutError", "Message", "AtomicsUnavailableError"]
