"""A handler mounted under a prefix answers beside Flexi: no log entry, no fault taken, no credentials needed."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.app import Answer, IncomingRequest
from tests.emulator.faults import Fault
from tests.emulator.tests.flexi_client import ADMIN, SMTP_PATH


class Recorder:
    """A mounted handler that answers 200 with the target it was given and keeps every request."""

    def __init__(self) -> None:
        self.seen: list[IncomingRequest] = []

    def __call__(self, request: IncomingRequest) -> Answer:
        self.seen.append(request)
        return Answer(200, request.target, "text/plain")


@pytest.fixture
def lab(emulator) -> Recorder:
    recorder = Recorder()
    emulator.mount("/_lab", recorder)
    return recorder


def test_mounted_handler_answers_without_credentials_with_the_prefix_taken_off(emulator, lab):
    answer = requests.get(emulator.origin + "/_lab/observe?spec=%7B%7D", timeout=10)

    assert (answer.status_code, answer.text) == (200, "/observe?spec=%7B%7D")
    assert lab.seen[0].method == "GET"


def test_mounted_request_is_not_in_the_request_log(emulator, lab):
    requests.get(emulator.origin + "/_lab/scenario", timeout=10)
    requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=10)

    assert [entry.path for entry in emulator.requests] == [SMTP_PATH]


def test_mounted_request_leaves_queued_faults_for_flexi_calls(emulator, lab):
    emulator.inject(Fault(kind="status", status=503))

    mounted = requests.get(emulator.origin + "/_lab/scenario", timeout=10)
    flexi = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=10)

    assert mounted.status_code == 200
    assert flexi.status_code == 503
    assert emulator.faults.pending() == []


def test_mounted_handler_sets_the_reason_phrase(emulator):
    emulator.mount("/_lab", lambda request: Answer(400, "", reason="ValueError: no such scenario"))

    answer = requests.get(emulator.origin + "/_lab/scenario", timeout=10)

    assert (answer.status_code, answer.reason) == (400, "ValueError: no such scenario")


def test_path_that_only_starts_like_the_prefix_is_a_flexi_call(emulator, lab):
    answer = requests.get(emulator.origin + "/_labs", timeout=10)

    assert answer.status_code == 401
    assert lab.seen == []
    assert [entry.path for entry in emulator.requests] == ["/_labs"]


def test_mount_is_served_outside_the_flexi_path_prefix(emulator_factory):
    emulator = emulator_factory(path_prefix="/flexi")
    emulator.mount("/_lab", Recorder())

    answer = requests.get(emulator.origin + "/_lab/observe", timeout=10)

    assert (answer.status_code, answer.text) == (200, "/observe")
    assert emulator.requests == []


@pytest.mark.parametrize("prefix", ["", "/", "_lab", "/_lab/", "/a b", "/.."])
def test_mount_rejects_a_prefix_that_is_not_a_plain_path(emulator, prefix):
    with pytest.raises(ValueError, match="mount prefix"):
        emulator.mount(prefix, Recorder())


def test_mount_rejects_a_prefix_mounted_twice(emulator, lab):
    with pytest.raises(ValueError, match="already mounted"):
        emulator.mount("/_lab", Recorder())
