"""Campaigns (mistralai 2.9.4 only): a judge run in the background over the newest matching events."""

from __future__ import annotations

import uuid

import pytest
from mistralai.client import errors

from helpers import classification, error_of, fixture_events, judge_body, newest_first, poll

CODESTRAL = {"field": "model_name", "op": "eq", "value": "codestral-latest"}
SORRY_RULES = 'Flag apologies.\nwhen assistant icontains "sorry" -> apology\notherwise -> plain'


@pytest.fixture
def judge(obs):
    return obs.judges.create(**judge_body(instructions=SORRY_RULES, output=classification("apology", "plain")))


def make_campaign(obs, judge, name: str | None = None, max_nb_events: int = 5, filters=CODESTRAL):
    return obs.campaigns.create(search_params={"filters": filters}, judge_id=str(judge.id),
                                name=name or f"campaign {uuid.uuid4().hex[:8]}", description="sdk matrix",
                                max_nb_events=max_nb_events)


def wait_done(obs, campaign) -> str:
    return poll(lambda: obs.campaigns.fetch_status(campaign_id=str(campaign.id)).status, lambda s: s != "RUNNING")


def newest_codestral(n: int) -> list[str]:
    return [e["event_id"] for e in newest_first(fixture_events())
            if e["extra_fields"]["model_name"] == "codestral-latest"][:n]


@pytest.mark.sdk_method("campaigns.create", "campaigns.fetch")
def test_create_and_fetch(obs, judge):
    c = make_campaign(obs, judge, name="First campaign", max_nb_events=5)
    assert (c.name, c.description, c.max_nb_events, c.deleted_at) == ("First campaign", "sdk matrix", 5, None)
    assert c.judge.id == judge.id and c.judge.name == judge.name
    assert c.search_params.model_dump(mode="json")["filters"] == CODESTRAL
    fetched = obs.campaigns.fetch(campaign_id=str(c.id))
    assert (fetched.id, fetched.name, fetched.judge.id, fetched.max_nb_events) == (c.id, c.name, judge.id, 5)
    with pytest.raises(errors.ObservabilityError) as exc:
        make_campaign(obs, judge, filters={"field": "model_name", "op": "eq", "value": "no-such-model"})
    assert error_of(exc)[:2] == (400, "CAMPAIGN_NO_MATCHING_EVENTS")


@pytest.mark.sdk_method("campaigns.fetch_status", "campaigns.list_events")
def test_status_completes_and_selected_events_are_the_newest_matches(obs, judge):
    c = make_campaign(obs, judge, max_nb_events=7)
    assert wait_done(obs, c) == "COMPLETED"
    res = obs.campaigns.list_events(campaign_id=str(c.id), page_size=100).completion_events
    assert res.count == 7 and [e.event_id for e in res.results] == newest_codestral(7)
    page = obs.campaigns.list_events(campaign_id=str(c.id), page_size=3, page=3).completion_events
    assert [e.event_id for e in page.results] == newest_codestral(7)[6:] and page.next is None
    field = f"__judge_{judge.id}"
    judged = obs.chat_completion_events.search_ids(
        search_params={"filters": {"field": field, "op": "isnull", "value": False}}).completion_event_ids
    assert sorted(judged) == sorted(newest_codestral(7))


@pytest.mark.sdk_method("campaigns.list")
def test_list_newest_first_with_q(obs, judge):
    for i in range(3):
        make_campaign(obs, judge, name=f"Alpha run {i}")
    make_campaign(obs, judge, name="Beta run")
    res = obs.campaigns.list().campaigns
    assert res.count == 4 and [c.name for c in res.results] == ["Beta run", "Alpha run 2", "Alpha run 1", "Alpha run 0"]
    assert {c.name for c in obs.campaigns.list(q="alpha").campaigns.results} == {"Alpha run 0", "Alpha run 1", "Alpha run 2"}
    page = obs.campaigns.list(page_size=3, page=2).campaigns
    assert [c.name for c in page.results] == ["Alpha run 0"] and page.next is None


@pytest.mark.sdk_method("campaigns.delete", "campaigns.fetch", "campaigns.list")
def test_delete(obs, judge):
    c = make_campaign(obs, judge)
    assert obs.campaigns.delete(campaign_id=str(c.id)) is None
    assert obs.campaigns.list().campaigns.count == 0
    for call in (lambda: obs.campaigns.fetch(campaign_id=str(c.id)), lambda: obs.campaigns.delete(campaign_id=str(c.id)),
                 lambda: obs.campaigns.fetch_status(campaign_id=str(c.id))):
        with pytest.raises(errors.ObservabilityError) as exc:
            call()
        assert error_of(exc)[:2] == (404, "CAMPAIGN_NOT_FOUND")
