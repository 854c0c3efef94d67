"""A page's HTML as a reader of one language gets it."""

from django.test import Client


def page_html(url: str, language: str) -> str:
    """The page at `url` for an anonymous reader whose chosen language is `language`."""
    client = Client()
    client.cookies["django_language"] = language
    return client.get(url).content.decode()
