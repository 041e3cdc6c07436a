"""Personal API tokens: hashed at rest, revocable, and valid only on the site they were made for."""

import re

import pytest

from api.models import ApiToken

pytestmark = pytest.mark.django_db


def make_token(client) -> str:
    page = client.post("/accounts/tokens/", {"name": "台账脚本"}).content.decode()
    return re.search(r'id="new-key">([^<]+)<', page).group(1)


def test_a_school_token_works_on_its_school_and_is_refused_on_another(client_for):
    key = make_token(client_for("alpha_admin", "alpha"))
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored
    anonymous_alpha, anonymous_beta = client_for(None, "alpha"), client_for(None, "beta")
    header = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert anonymous_alpha.get("/api/v1/me/", **header).json()["username"] == "alpha_admin"
    assert anonymous_beta.get("/api/v1/me/", **header).status_code == 403
    assert client_for(None).get("/api/v1/schools/", **header).status_code == 403


def test_a_revoked_token_stops_working(client_for):
    admin = client_for("alpha_admin", "alpha")
    key = make_token(admin)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    admin.post("/accounts/tokens/", {"revoke": token.pk})
    response = client_for(None, "alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (401, 403)
    assert "令牌无效或已吊销" in response.json()["message"]


def test_a_district_token_reaches_the_district_api(client_for):
    key = make_token(client_for("bureau_staff"))
    response = client_for(None).get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_a_token_needs_a_purpose(client_for):
    response = client_for("alpha_admin", "alpha").post("/accounts/tokens/", {"name": " "})
    assert response.status_code == 400
    assert "请填写令牌用途" in response.content.decode()


@pytest.mark.parametrize("revoke", ["abc", "", "12.5", "99999999"])
def test_revoking_a_token_that_is_not_yours_or_not_a_number_is_a_400_with_a_message(client_for, revoke):
    admin = client_for("alpha_admin", "alpha")
    key = make_token(admin)
    response = admin.post("/accounts/tokens/", {"revoke": revoke})
    assert response.status_code == 400
    assert "未找到要撤销的令牌" in response.content.decode()
    assert client_for(None, "alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_another_users_token_cannot_be_revoked(client_for):
    key = make_token(client_for("alpha_admin", "alpha"))
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    response = client_for("alpha_moral", "alpha").post("/accounts/tokens/", {"revoke": token.pk})
    assert response.status_code == 400
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
