"""Region names: the one check both readers (region.py) and writers (_owner.py) make before any file call."""

import re

from .errors import InvalidRegionNameError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")


def check_name(name):
    """Refuses a name outside ``[A-Za-z0-9][A-Za-z0-9._-]{0,127}``, naming the rule and an example."""
    if not isinstance(name, str) or not NAME.match(name):
        shown = repr(name) if not isinstance(name, str) else (
            f'"{name}"' if all(0x20 <= ord(c) < 0x7F for c in name)
            else '"' + "".join(c if 0x20 <= ord(c) < 0x7F else "?" for c in name)
            + '" (with control or non-ASCII characters)')
        raise InvalidRegionNameError(
            f"invalid region name {shown}: names match [A-Za-z0-9][A-Za-z0-9._-]{{0,127}} (letters, digits, '.', "
            f"'_', '-'; 1 to 128 characters, not starting with '.', '_' or '-'; no '/'), e.g. \"arm\"")
    return name
