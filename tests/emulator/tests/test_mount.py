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


@pytest.mark.parametrize("path_prefix", ["", "/flexi"])
def test_mounted_handler_answers_beside_flexi_with_the_prefix_taken_off(emulator_factory, path_prefix):
    emulator = emulator_factory(path_prefix=path_prefix)
    lab = Recorder()
    emulator.mount("/_lab", lab)
    emulator.inject(Fault(kind="status", status=503))

    mounted = requests.get(emulator.origin + "/_lab/observe?spec=%7B%7D", timeout=10)
    flexi = requests.get(emulator.url + SMTP_PATH, auth=ADMIN, timeout=10)
    lookalike = requests.get(emulator.origin + "/_labs", timeout=10)

    assert (mounted.status_code, mounted.text) == (200, "/observe?spec=%7B%7D")
    assert [request.method for request in lab.seen] == ["GET"]
    assert flexi.status_code == 503
    assert lookalike.status_code == (404 if path_prefix else 401)
    assert [entry.path for entry in emulator.requests] == [path_prefix + SMTP_PATH, "/_labs"]


@pytest.mark.parametrize("prefix", ["", "/", "_lab", "/_lab/", "/a b", "/..", "/_lab"])
def test_mount_rejects_a_prefix_that_is_not_a_plain_path_or_taken(emulator, prefix):
    emulator.mount("/_lab", Recorder())

    with pytest.raises(ValueError, match=r"mount prefix|already mounted"):
        emulator.mount(prefix, Recorder())
