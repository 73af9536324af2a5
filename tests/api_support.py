"""What the API tests share: a client logged in as a role of the ``world`` fixture, and the
check that a list endpoint runs the same number of queries however much data there is."""
from rest_framework.test import APIClient

from supervision.services import zone_set_supervisors

from . import factories as f

# Every role of the world fixture, plus nobody logged in. A supervisor is the row, not the user.
ROLES = [
    "admin_a",
    "director_a",
    "sup_a1",
    "school_user_a1",
    "city_viewer",
    "province_viewer",
    "admin_b",
    "anonymous",
]


def user_of(world, role):
    if role == "anonymous":
        return None
    person = world[role]
    return getattr(person, "user", person)


def api_as(world, role) -> APIClient:
    """A client logged in with a session, the way the browser and the Swagger page call the API."""
    client = APIClient()
    user = user_of(world, role)
    if user is not None:
        client.force_login(user)
    return client


def grow_world(world, *, zones: int = 4) -> None:
    """More of everything: new counties under the city, and in county A zones with two
    supervisors (one lead) and three schools each."""
    for _ in range(2):
        f.OfficeFactory(parent=world["city"])
    office = world["county_a"]
    for _ in range(zones):
        zone = f.ZoneFactory(office=office)
        supervisors = f.SupervisorFactory.create_batch(2, office=office)
        zone_set_supervisors(zone=zone, supervisors=supervisors, lead=supervisors[1])
        f.SchoolFactory.create_batch(3, office=office, zone=zone)
    # The supervisor under test gets a second zone, so their own lists grow too.
    zone = f.ZoneFactory(office=office)
    colleague = f.SupervisorFactory(office=office)
    zone_set_supervisors(zone=zone, supervisors=[world["sup_a1"], colleague], lead=colleague)
    f.SchoolFactory.create_batch(3, office=office, zone=zone)


def assert_list_queries(client, url, *, queries: int, world, django_assert_num_queries, grow=grow_world) -> None:
    """The list costs ``queries`` SQL queries on the small world and on a larger one (``grow`` makes it larger)."""
    with django_assert_num_queries(queries):
        small = client.get(url)
    assert small.status_code == 200
    grow(world)
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert large.status_code == 200
    assert large.json()["count"] > small.json()["count"]


def names(response) -> list[str]:
    """The names on one page of a list answer, sorted."""
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def assert_scope(world, role, url, *, seen: list[str], probe) -> None:
    """The role lists exactly ``seen`` at ``url``, and opens ``probe`` only if it is among them:
    otherwise 404, with nothing of it in the answer."""
    client = api_as(world, role)
    assert names(client.get(url)) == sorted(seen)
    response = client.get(f"{url}{probe.pk}/")
    if probe.name in seen:
        assert response.status_code == 200
        assert response.json()["name"] == probe.name
    else:
        assert response.status_code == 404
        assert probe.name not in response.content.decode()


OWN_PASSWORD = "Ziji-Mima-2027!"


def first_token_login(username: str, password: str) -> APIClient:
    """A login whose password someone else set: its token first changes it to ``OWN_PASSWORD`` (it may
    do nothing else before, supervision.accounts.gate), then reads as usual."""
    client = token_login(username, password)
    assert client is not None
    changed = client.post("/api/v1/auth/password/", {"old_password": password, "new_password": OWN_PASSWORD},
                          format="json")
    assert changed.status_code == 204, changed.content
    return client


def token_login(username: str, password: str) -> APIClient | None:
    """A client holding the token ``/api/v1/auth/token/`` gives for these credentials, or None if refused."""
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    if response.status_code != 200:
        return None
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client
