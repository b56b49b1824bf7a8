"""A task's `environment:` reaches the module's proxy choice through the real `ansible-playbook`."""

from __future__ import annotations

import json
import sys

import pytest

from tests.emulator.proxy import ProxiedRequest
from tests.integration.lab import ansible_environment
from tests.support.ansible import run_ansible_playbook

pytestmark = pytest.mark.integration

API_PASSWORD = "admin-secret"
COMPANY_PATH = "/c/demo_s_r_o_/nastaveni/smtp"
PLAYBOOK = """
- name: Reach Flexi through the proxy a task's environment names
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/abraflexi.flexi.flexi:
      company: demo_s_r_o_
      username: admin
      password: "{{ flexi_password }}"
  tasks:
    - name: Read over plain HTTP, under a path prefix, through http_proxy
      abraflexi.flexi.flexi_smtp_info:
        url: "{{ plain_url }}"
      environment:
        http_proxy: "{{ proxy_url }}"
        no_proxy: ""
      register: read_through_proxy

    - name: Write over HTTPS through https_proxy
      abraflexi.flexi.flexi_smtp:
        url: "{{ tls_url }}"
        ca_path: "{{ tls_ca_path }}"
        host: smtp.example.cz
      environment:
        https_proxy: "{{ proxy_url }}"
        no_proxy: ""
      register: write_through_proxy

    - name: Both tasks succeeded
      ansible.builtin.assert:
        that:
          - read_through_proxy.settings is mapping
          - write_through_proxy is changed
        quiet: true
"""


def test_task_environment_sends_both_modules_through_the_proxy(tmp_path, emulator_factory, forward_proxy):
    plain = emulator_factory(path_prefix="/flexi")
    secure = emulator_factory(tls=True)
    playbook = tmp_path / "proxy.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    extra_vars = {
        "ansible_python_interpreter": sys.executable,
        "flexi_password": API_PASSWORD,
        "plain_url": plain.url,
        "tls_url": secure.url,
        "tls_ca_path": secure.ca_path,
        "proxy_url": forward_proxy.url,
    }
    # The controller's own environment names no proxy, and a NO_PROXY (as on many CI machines) that the tasks'
    # `no_proxy: ""` must cancel.
    environment = {
        name: value
        for name, value in ansible_environment(tmp_path).items()
        if name.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    environment["NO_PROXY"] = "127.0.0.1,localhost"

    completed = run_ansible_playbook(
        ("-i", "localhost,", str(playbook), "-e", json.dumps(extra_vars)), tmp_path, environment, timeout=300
    )

    output = completed.output
    assert completed.returncode == 0, output
    assert "WARNING]" not in output, output
    assert forward_proxy.requests == [
        ProxiedRequest("GET", plain.url + COMPANY_PATH),
        ProxiedRequest("CONNECT", f"127.0.0.1:{secure.port}"),
    ]
    assert [(entry.method, entry.path) for entry in plain.requests] == [("GET", "/flexi" + COMPANY_PATH)]
    assert [entry.method for entry in secure.requests] == ["GET", "PUT"]
    assert API_PASSWORD not in output
