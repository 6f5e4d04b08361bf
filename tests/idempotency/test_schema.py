"""The OpenAPI document names the Idempotency-Key header and its 422 on exactly the operations that honour it."""
import pytest

pytestmark = pytest.mark.django_db

IDEMPOTENT = {
    ("/d/{district}/api/village-meetings/", "post"), ("/d/{district}/api/proposals/", "post"),
    ("/d/{district}/api/proposals/{id}/", "patch"), ("/d/{district}/api/proposals/{id}/attachments/", "post"),
    ("/d/{district}/api/monitoring/reports/", "post"), ("/d/{district}/api/monitoring/reports/{id}/", "patch"),
    ("/d/{district}/api/monitoring/reports/{id}/submit/", "post"), ("/d/{district}/api/monitoring/evidence/", "post"),
    ("/d/{district}/api/monitoring/findings/", "post"),
}


def test_the_header_and_the_422_are_documented_where_keys_are_honoured(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    with_header = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            names = [p.get("name") for p in operation.get("parameters", []) if p.get("in") == "header"]
            if "Idempotency-Key" in names:
                with_header.add((path, method))
                assert "422" in operation["responses"], (path, method)
                parameter = next(p for p in operation["parameters"] if p.get("name") == "Idempotency-Key")
                assert parameter["schema"] == {"type": "string", "format": "uuid"} and not parameter.get("required")
            else:
                assert "422" not in operation["responses"], (path, method)
    assert IDEMPOTENT <= with_header, IDEMPOTENT - with_header
    assert ("/d/{district}/api/proposals/{id}/accept/", "post") not in with_header
