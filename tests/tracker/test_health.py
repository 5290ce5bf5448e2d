from django.test import Client, override_settings


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_answers_plain_http_under_production_settings(db):
    """A load balancer probes the web process directly, over plain HTTP."""
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@override_settings(SECURE_SSL_REDIRECT=True)
def test_every_other_page_still_redirects_to_https(db):
    response = Client().get("/sign-in/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
