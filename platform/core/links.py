"""Which link addresses from data may become a live link: http(s) and relative ones only (issue 11, part 1).

The same rule as `UI.safeUrl` in frontend/static/frontend/js/ui.js."""
import re
from urllib.parse import urlsplit

# Browsers drop tabs and newlines inside a scheme ("java\tscript:") and trim leading spaces and control
# characters, so any of them refuses the address instead of being cleaned.
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def is_safe_link(url: str) -> bool:
    """True for an absolute http:/https: address with a host, or a relative one ("/d/…", "doc.pdf",
    "#part"); False for any other scheme (javascript:, data:, vbscript:, file:…), for "//host" (another
    site without a scheme), for backslashes (browsers read them as slashes) and for spaces or control
    characters anywhere."""
    if not isinstance(url, str) or not url or _CONTROL_OR_SPACE.search(url) or "\\" in url:
        return False
    parts = urlsplit(url)
    if parts.scheme:
        return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
    return not url.startswith("//") and ":" not in url.split("/", 1)[0]
