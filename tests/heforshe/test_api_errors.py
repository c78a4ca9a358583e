"""Every error under /api/ is JSON with the {detail, errors} body, whoever raises it."""

from __future__ import annotations

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory

from heforshe import api_errors

pytestmark = pytest.mark.django_db


def _assert_api_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


def test_an_unknown_api_path_is_a_json_404(client):
    body = _assert_api_error(client.get("/api/v1/nothing-here/"), 404)
    assert body == {"detail": "Not found.", "errors": {}}


def test_an_unknown_api_path_is_a_translated_json_404(client):
    body = _assert_api_error(client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="fr"), 404)
    assert body["detail"] == "Non trouvé."


def test_a_method_the_api_does_not_take_is_a_json_405(client):
    _assert_api_error(client.delete("/api/v1/pledges/stats/"), 405)


def test_too_many_query_fields_is_a_json_400_not_an_html_page(client):
    query = "&".join(f"f{i}=1" for i in range(1200))
    _assert_api_error(client.get(f"/api/v1/stories/?{query}"), 400)


def test_django_refusing_a_body_under_the_api_answers_a_json_413():
    # Django raises RequestDataTooBig when a view reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
    request = RequestFactory().post("/api/v1/pledges/")
    response = api_errors.bad_request(request, RequestDataTooBig())
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


def test_a_server_error_under_the_api_is_json():
    response = api_errors.server_error(RequestFactory().get("/api/v1/pledges/stats/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


def test_site_pages_keep_their_html_error_pages(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unknown_filter_values_are_refused_with_the_parameter_named(client):
    for url, name in [
        ("/api/v1/stories/?pillar=zzz", "pillar"),
        ("/api/v1/stories/?country=Kenya", "country"),
        ("/api/v1/partners/?sector=zzz", "sector"),
        ("/api/v1/action-kits/?audience=zzz", "audience"),
        ("/api/v1/action-kits/?pillar=zzz", "pillar"),
        ("/api/v1/stories/?page=0", "page"),
        ("/api/v1/stories/?colour=red", "colour"),
    ]:
        body = _assert_api_error(client.get(url), 400)
        assert list(body["errors"]) == [name], url


def test_every_operation_documents_its_errors_with_the_error_body(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = {code for code in operation["responses"] if code.startswith("4")}
            expected = {"400", "429"} | (
                {"404"} if "{" in path or method == "get" and "page" in str(operation) else set()
            )
            expected |= {"413"} if method == "post" else set()
            # Operations that take a partner's API token also answer a missing token and another's slug.
            expected |= {"401", "403"} if operation.get("security") and {"401", "403"} <= codes else set()
            assert codes == expected, (method, path)
            for code in codes:
                content = operation["responses"][code]["content"]
                assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_schema_is_as_strict_as_the_server(client):
    schema = client.get("/api/schema/?format=json").json()
    pledge = schema["components"]["schemas"]["PledgeCreate"]["properties"]
    assert schema["components"]["schemas"]["ConsentEnum"] == {"type": "boolean", "enum": [True]}
    assert pledge["first_name"]["pattern"].startswith("^[^\\u0000]*[^\\u0000\\t\\n")
    assert all(branch["maxLength"] == 0 for branch in pledge["website"]["anyOf"])
    zoom = next(p for p in schema["paths"]["/api/v1/pledges/map/"]["get"]["parameters"] if p["name"] == "zoom")
    assert (zoom["schema"]["minimum"], zoom["schema"]["maximum"]) == (0, 18)
    stories = schema["paths"]["/api/v1/stories/"]["get"]["parameters"]
    assert next(p for p in stories if p["name"] == "pillar")["schema"]["enum"]


def test_an_empty_optional_string_is_valid_by_the_schema_as_it_is_for_the_server(client):
    import jsonschema

    schema = client.get("/api/schema/?format=json").json()
    city = schema["components"]["schemas"]["PledgeCreate"]["properties"]["city"]
    jsonschema.validate("", city)
    jsonschema.validate("Nairobi", city)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("Nai\x00robi", city)
