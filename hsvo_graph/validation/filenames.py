"""The one cleaning of a file name a plan's uploader sent, wherever it becomes a file.

The name kept with an imported plan is the one its uploader sent, and an HTTP client may
send anything ("/etc/cron.d/x", "../../x.csv", "..", NUL, quotes, line breaks, a name of
thousands of characters, "CON.csv", "Älvkarleby" in NFC or in NFD). The registry keeps the
original under a name made with ``safe_name`` (``files/001-<sha>-<safe name>``), and both
exports, the HTTP download and ``hsvo plans export``, write it as ``export_name``: the same
cleaning, so neither can be made to write outside its directory, break a header, or make a
name that Windows cannot open.
"""

import re
import unicodedata

# What a name may keep: ASCII letters, digits, ".", "_" and "-"; a run of anything else is
# one "_". (The registry's keys, which are folder names, use the same characters.)
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows reserves for devices, whatever their extension ("CON.csv", "lpt1.txt").
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")
_MAX_SUFFIX = 10  # ".csv", ".jsonld", ".meta.yaml": kept whole when a long name is cut


def safe_name(sent: str, limit: int = 120, default: str = "plan") -> str:
    """``sent`` as one safe file name: its last path component (after ``/`` or ``\\``),
    letters without their accents in either Unicode form (NFC "Ä" and NFD "A" + "¨" are
    both "A"), anything but ASCII letters, digits, ``.``, ``_`` and ``-`` as ``_``, without
    leading dots (no hidden file, never ``.`` or ``..``) or trailing dots (Windows drops
    them), not a reserved device name (``CON.csv`` → ``_CON.csv``), and at most ``limit``
    characters with its extension kept; ``default`` when nothing is left."""
    last = re.split(r"[/\\]", sent)[-1]
    plain = "".join(c for c in unicodedata.normalize("NFKD", last) if not unicodedata.combining(c))
    name = UNSAFE.sub("_", plain).lstrip(".").rstrip(".")
    if _RESERVED.fullmatch(name):
        name = "_" + name
    if len(name) > limit:
        stem, dot, suffix = name.rpartition(".")
        keep = dot + suffix if stem and len(suffix) < _MAX_SUFFIX else ""
        name = (name[: limit - len(keep)] + keep).lstrip(".")
    return name or default


def export_name(sent: str) -> str:
    """The name an exported plan is written under (see ``safe_name``)."""
    return safe_name(sent)
