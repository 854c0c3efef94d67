"""Pages as a reader of one language gets them, signed out or in."""

from django.test import Client


def page_html(url: str, language: str) -> str:
    """The page at `url` for an anonymous reader whose chosen language is `language`."""
    client = Client()
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def signed_in_client(user, language: str = "en") -> Client:
    """A client signed in as `user`, reading in `language`."""
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


# What the pilot page says once, near its top, when it shows a reader of English any text staff
# wrote in Korean only.
KOREAN_ONLY_ON_PAGE = "Parts of this page are in Korean only: staff did not write them in English."
