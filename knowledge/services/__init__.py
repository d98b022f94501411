"""The flows every surface calls: answering a question with care, and posting the weekly digest exactly once.

Services join the reading layer and the records. They reach Slack only through the small protocol in
`knowledge.services.ports` (post a message, find a post by its metadata, tell the admins), implemented with
slack_sdk beside the app factory in `bot/`. May import anything in `knowledge`; never slack_sdk, slack_bolt, `bot`
or `handlers`.
"""
