"""A second blind evaluation, another outsider's data, run through the one-command demo."""
