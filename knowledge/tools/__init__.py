"""Tools for measuring the knowledge layer: search-quality evaluation, the synthetic collection and the bench.

Not on any request path. May import anything in `knowledge`; never Slack, `bot` or `handlers`.
"""
