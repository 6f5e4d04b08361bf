"""A file kind is served only where its table lives: district kinds under /d/<slug>/, province kinds at the root.

The root mounts the same routes for the province's library; a district kind asked for there used to be looked up in
the public schema (ProgrammingError, 500) before any access check."""
import pytest
from django.test import Client

from accounts.models import User
from files import kinds

pytestmark = pytest.mark.django_db

NAME = "0123456789abcdef0123456789abcdef.pdf"
DISTRICT_KINDS = sorted(name for name, kind in kinds.KINDS.items() if not kind.in_public_schema)
PROVINCE_KINDS = sorted(name for name, kind in kinds.KINDS.items() if kind.in_public_schema)
CALLERS = [None, "tinh", "huyen.yen-phong", "xa.09193"]


def client(username):
    c = Client(raise_request_exception=False)
    if username:
        c.force_login(User.objects.get(username=username))
    return c


def test_both_sides_have_kinds():
    assert "proposal-attachments" in DISTRICT_KINDS and "meeting-minutes" in DISTRICT_KINDS
    assert PROVINCE_KINDS


@pytest.mark.parametrize("username", CALLERS)
@pytest.mark.parametrize("kind", DISTRICT_KINDS)
def test_a_district_kind_at_the_root_is_not_found(kind, username):
    c = client(username)
    for url in (f"/files/{kind}/{NAME}", f"/public/files/{kind}/{NAME}"):
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("username", CALLERS)
@pytest.mark.parametrize("kind", PROVINCE_KINDS)
def test_a_province_kind_under_a_district_is_not_found(kind, username):
    c = client(username)
    assert c.get(f"/d/yen-phong/public/files/{kind}/{NAME}").status_code == 404
    if username:  # anonymous callers are sent to the login page by the district gate
        assert c.get(f"/d/yen-phong/files/{kind}/{NAME}").status_code == 404
