"""The file name an exported plan is saved under.

The name kept with an imported plan is the one its uploader sent, and an HTTP client may
send anything ("/etc/cron.d/x", "../../x.csv", "..", a name with quotes or line breaks).
Both exports, the HTTP download and ``hsvo plans export``, write it through this one cleaning,
so neither can be made to write outside the current directory or break a header.
"""

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def export_name(sent: str) -> str:
    """The last path component of ``sent`` in ASCII letters, digits, ``.``, ``_`` and ``-``,
    without leading dots (no hidden file, never ``.`` or ``..``); "plan" if nothing is left."""
    last = re.split(r"[/\\]", sent)[-1]
    return _UNSAFE.sub("_", last).lstrip(".")[-120:] or "plan"
