"""The test toolkit: one way to run ansible-playbook, a module in process, and to look for secrets."""
