"""Posts: the one rule for when two names are the same post (`post_key`), what refers to a
post (`relations`, read from the models so a new relation is never missed), and merging a
near-duplicate into the post that survives (`merge`)."""

import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count
from simple_history.models import HistoricalChanges

from plans.models import Post

log = logging.getLogger(__name__)


def post_key(name: str) -> str:
    """What two names of one post share: case, spacing and punctuation aside, and "&" read as
    "and", so "Director - Law & Governance" and "director- law and governance" are one post.
    The importer and the Posts page both ask this, so they agree on what a duplicate is."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    return "".join(re.findall(r"[^\W_]+", text))


def near_duplicates(posts) -> list[list[Post]]:
    """Groups of two or more of `posts` sharing a post_key, each in name order."""
    groups: defaultdict[str, list[Post]] = defaultdict(list)
    for post in posts:
        groups[post_key(post.name)].append(post)
    return [sorted(group, key=lambda p: p.name) for group in groups.values() if len(group) > 1]


@dataclass(frozen=True)
class Relation:
    """One field that refers to posts: a foreign key or many-to-many of `model`, or (for the
    post's own many-to-many fields, its holders) of Post itself."""

    model: type[models.Model]
    field: models.Field

    @property
    def label(self) -> str:
        if self.model is Post:
            return str(self.field.verbose_name)
        return f"{self.model._meta.verbose_name_plural} as {self.field.verbose_name}"

    @property
    def many(self) -> bool:
        return self.field.many_to_many


def relations() -> list[Relation]:
    """Every field referring to a post. Read from Post's relations, hidden ones included
    (the actions' and measures' fields are named "+", which Post._meta.related_objects leaves
    out), leaving out the rows of history, which keep what was, and many-to-many tables,
    which their fields stand for."""
    found = [Relation(Post, field) for field in Post._meta.many_to_many]
    for rel in Post._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        model = rel.related_model
        if issubclass(model, HistoricalChanges) or model._meta.auto_created:
            continue
        found.append(Relation(model, rel.field))
    return found


def uses(relation: Relation, post: Post) -> models.QuerySet:
    """The rows `relation` links to `post`: its holders, or the actions, measures… naming it."""
    if relation.model is Post:
        return getattr(post, relation.field.name).all()
    return relation.model._default_manager.filter(**{relation.field.name: post})


def counts() -> dict[Relation, dict[int, int]]:
    """{relation: {post id: how many rows name it}} for the relations of other models (the
    actions and measures naming posts), one query a relation."""
    found = {}
    for relation in relations():
        if relation.model is Post:
            continue
        name = relation.field.name
        rows = (
            relation.model._default_manager.order_by()
            .filter(**{f"{name}__isnull": False})
            .values_list(name)
            .annotate(n=Count("pk"))
        )
        found[relation] = dict(rows)
    return found


def moving(duplicate: Post) -> list[tuple[Relation, list[models.Model]]]:
    """What merging `duplicate` away moves, relation by relation, for the confirmation."""
    return [(relation, list(uses(relation, duplicate))) for relation in relations()]


@dataclass
class Merged:
    kept: Post
    gone: str  # the duplicate's name
    moved: dict[str, int]  # relation label -> rows moved


@transaction.atomic
def merge(keep: Post, duplicate: Post, *, by, reason: str = "") -> Merged:
    """Move everything naming `duplicate` to `keep`, then delete `duplicate`, all or nothing.

    Each row that changes is saved once, so each action gets one entry in its history
    (who, when, the change reason) however many of its fields named the duplicate. History
    rows are left as they were."""
    if keep.pk == duplicate.pk:
        raise ValueError("A post cannot be merged into itself.")
    # Lock both, so a second merge of the same pair waits and then finds the duplicate gone.
    locked = Post.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    if len(locked) < 2:
        raise Post.DoesNotExist(f"“{duplicate.name}” or “{keep.name}” was merged already.")
    reason = (reason or f"Post “{duplicate.name}” merged into “{keep.name}”")[:100]
    moved: dict[str, int] = {}
    changed: dict[tuple[type, int], models.Model] = {}
    many: defaultdict[tuple[type, int], list[str]] = defaultdict(list)
    for relation in relations():
        rows = list(uses(relation, duplicate))
        moved[relation.label] = len(rows)
        name = relation.field.name
        if relation.model is Post:
            getattr(keep, name).add(*rows)
            continue
        for row in rows:
            row = changed.setdefault((relation.model, row.pk), row)
            if relation.many:
                many[(relation.model, row.pk)].append(name)
            else:
                setattr(row, name, keep)
    for key, row in changed.items():
        row.skip_history_when_saving = True  # type: ignore[attr-defined]  # one entry, below
        for name in many[key]:
            getattr(row, name).remove(duplicate)
            getattr(row, name).add(keep)
        del row.skip_history_when_saving  # type: ignore[attr-defined]
        row._history_user = by  # type: ignore[attr-defined]  # simple-history reads it
        row._change_reason = reason  # type: ignore[attr-defined]  # simple-history reads it
        row.save()
    if not keep.email and duplicate.email:
        keep.email = duplicate.email
        keep.save(update_fields=["email"])
    gone = duplicate.name
    duplicate.delete()
    log.info("post merged user=%s kept=%s gone=%r moved=%s", by.pk, keep.pk, gone, moved)
    return Merged(keep, gone, moved)
