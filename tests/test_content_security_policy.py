"""Every page carries a Content-Security-Policy that runs only the site's own scripts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("path", ["/", "/ideas/", "/companies/", "/pilots/", "/accounts/login/"])
def test_pages_allow_only_the_sites_own_content_and_no_framing(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_the_one_inline_script_runs_by_the_requests_nonce(client, alice):
    client.force_login(alice)

    response = client.get("/ideas/new/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    inline = [attributes for attributes in scripts if "src=" not in attributes]
    assert inline == [f' nonce="{nonce}"']
    assert client.get("/ideas/new/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_templates_have_no_inline_handlers_styles_or_scripts_without_a_nonce():
    offending = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (r"\son[a-z]+=", r"\sstyle=", r"<style", r"<script(?![^>]*\s(src|nonce)=)[^>]*>"):
            offending += [
                f"{template.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)
            ]

    assert offending == []


def test_swagger_ui_loads_its_scripts_from_the_site(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    policy = _directives(page)
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    sources = re.findall(r'<script src="([^"]+)"', page.content.decode())
    assert len(sources) == 3
    assert not re.search(r"<script>", page.content.decode())
    *bundles, start_up = sources
    for bundle in bundles:  # the sidecar's files, served as the site's static files
        assert bundle.startswith("/static/")
        assert finders.find(bundle.split("/static/", 1)[1])
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
