import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def plan(db):
    return factories.plan()


@pytest.fixture
def people(db):
    """One user per role; the lead officer holds the post "Head of HR"."""
    made = {name: factories.user(name, role) for name, role in factories.ROLE_USERS.items()}
    factories.Post.objects.get_or_create(name="Head of HR")[0].holders.add(made["lead"])
    made["other_lead"] = factories.user(
        "other_lead", factories.roles.LEAD_OFFICER, ["Head of Finance"]
    )
    return made


@pytest.fixture
def client_for(people):
    """client_for("councillor") is a client signed in as that role's demo user (with their
    second factor given, where they owe one)."""

    def make(name):
        client = Client()
        if name != "anonymous":
            factories.sign_in(client, people[name])
        return client

    return make
