"""Two-factor authentication: who is asked for a code after their password, setting up an app,
recovery codes, and wrong codes being limited. These tests sign in through the sign-in page,
never marking the second step done."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import two_factor

PASSWORD = "correct-horse-battery"
START = datetime.datetime(2024, 3, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(username, next_url="/"):
    client = Client()
    response = client.post(
        f"{reverse('login')}?next={next_url}", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    return client


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def with_app(person):
    return TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_an_administrator_without_an_app_sets_one_up_before_going_anywhere(people, clock):
    client = sign_in("admin", next_url="/plans/")
    for path in ("/", "/plans/", "/reports/", "/admin/", reverse("password_change")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two_factor_verify")), path
    assert client.get(reverse("two_factor_verify"), {"next": "/plans/"})["Location"] == (
        reverse("two_factor_setup") + "?next=%2Fplans%2F"
    )

    page = client.get(reverse("two_factor_setup"), {"next": "/plans/"})
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=people["admin"], confirmed=False)
    assert two_factor.grouped(two_factor.base64.b32encode(device.bin_key).decode()) in text(page)
    assert "Sign out" in text(page) and "Plans</a>" not in text(page)

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000", "next": "/plans/"})
    assert "The code is not right" in text(wrong)
    clock.shift(60)  # past the wait after a wrong code
    done = client.post(reverse("two_factor_setup"), {"code": code_for(device), "next": "/plans/"})
    assert done["Location"] == reverse("two_factor_codes") + "?next=%2Fplans%2F"
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    download = client.get(reverse("two_factor_codes"), {"download": ""})
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    saved = client.post(reverse("two_factor_codes"), {"next": "/plans/"})
    assert saved["Location"] == "/plans/"
    assert client.get("/plans/").status_code == 200
    # Shown once: the codes page has nothing more to show.
    assert client.get(reverse("two_factor_codes"))["Location"] == reverse("two_factor")


def test_someone_with_an_app_gives_its_code_after_their_password(people, clock):
    device = with_app(people["lead"])
    client = sign_in("lead")
    assert client.get("/")["Location"] == reverse("two_factor_verify") + "?next=/"
    assert client.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_verify")

    wrong = client.post(reverse("two_factor_verify") + "?next=/", {"code": "123456"})
    assert wrong.status_code == 200 and "The code is not right" in text(wrong)
    clock.shift(60)
    right = client.post(reverse("two_factor_verify"), {"code": code_for(device), "next": "/"})
    assert right["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_codes_make_the_next_try_wait(people, clock):
    device = with_app(people["clerk"])
    client = sign_in("clerk")
    for _ in range(4):
        client.post(reverse("two_factor_verify"), {"code": "111111"})
        clock.shift(30)
    # Four wrong codes in a row: the next try waits 8 seconds, even with the right code.
    clock.shift(-25)
    refused = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert "Too many wrong codes. Wait 3 seconds" in text(refused)
    assert client.get("/").status_code == 302
    clock.shift(30)
    assert client.post(reverse("two_factor_verify"), {"code": code_for(device)})["Location"] == "/"


def test_a_recovery_code_works_once(people, clock):
    with_app(people["admin"])
    codes = two_factor.new_recovery_codes(people["admin"])
    client = sign_in("admin")
    used = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
    assert used["Location"] == "/"
    assert "You used a recovery code: 9 left" in text(client.get("/"))

    client.post(reverse("logout"))
    clock.shift(60)
    again = sign_in("admin")
    refused = again.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "The code is not right" in text(refused)
    clock.shift(60)
    assert again.post(reverse("two_factor_verify"), {"code": codes[1]})["Location"] == "/"


@pytest.mark.parametrize("username", ["lead", "councillor"])
def test_others_without_an_app_sign_in_with_their_password_alone(people, username):
    assert sign_in(username).get("/").status_code == 200


def test_with_two_factor_not_required_an_administrator_without_an_app_goes_straight_in(
    people, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    assert sign_in("admin").get("/").status_code == 200


def test_a_single_sign_on_session_is_not_asked_for_a_code(people, settings):
    sso = "django.contrib.auth.backends.RemoteUserBackend"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, sso]
    with_app(people["admin"])
    client = Client()
    client.force_login(people["admin"], backend=sso)
    assert client.get("/").status_code == 200


def test_someone_optional_turns_it_off_but_an_administrator_cannot(people, client_for):
    for name in ("lead", "admin"):
        with_app(people[name])
        two_factor.new_recovery_codes(people[name])
    lead, admin = client_for("lead"), client_for("admin")
    assert "10 left" in text(lead.get(reverse("two_factor")))

    lead.post(reverse("two_factor"), {"change": "off"})
    assert not TOTPDevice.objects.filter(user=people["lead"]).exists()
    assert sign_in("lead").get("/").status_code == 200

    page = admin.post(reverse("two_factor"), {"change": "off"})
    assert "cannot be turned off" in text(page)
    assert TOTPDevice.objects.filter(user=people["admin"]).exists()


def test_new_recovery_codes_replace_the_old_ones(people, client_for):
    with_app(people["clerk"])
    old = two_factor.new_recovery_codes(people["clerk"])
    client = client_for("clerk")
    made = client.post(reverse("two_factor"), {"change": "codes"})
    assert made["Location"] == reverse("two_factor_codes")
    page = client.get(made["Location"]).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert people["clerk"].staticdevice_set.get().token_set.count() == 10
