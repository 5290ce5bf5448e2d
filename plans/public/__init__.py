"""A plan's public page, its published committee reports and their Atom feed: read by anyone,
signed in or not, once an administrator makes the plan public (tracker.policy decides what)."""
