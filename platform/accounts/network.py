"""Where a request comes from, for the login lockout (django-axes) and the public-comment limit."""
import ipaddress

TRUSTED_PROXIES = ("127.0.0.1", "::1")


def client_address(request) -> str:
    """The client's IP address as a string ("" when unknown).

    `X-Forwarded-For` is trusted only when the direct peer is a reverse proxy on this machine (nginx in
    front of gunicorn), and then only its last entry, the one that proxy added: a client could write
    anything in the header itself and so escape a limit, or lock out someone else's address. An entry
    that is not an IP address is ignored. Accepts a Django `HttpRequest` or a DRF `Request`.
    """
    meta = request.META
    peer = meta.get("REMOTE_ADDR", "") or ""
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and peer in TRUSTED_PROXIES:
        last = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer
    return peer
