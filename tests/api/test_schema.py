"""The OpenAPI schema must generate without warnings and validate (drf-spectacular)."""

import io

from django.core.management import call_command


def test_openapi_schema_validates(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "openapi: 3" in out.getvalue()
