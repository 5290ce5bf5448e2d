"""The Posts pages, for administrators: every post with its holders and what names it
(vacant posts first, with their actions), one post's page to give it holders, and merging
near-duplicate posts (plans/posts.py decides what is one, and moves everything)."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from plans import posts as post_rules
from plans.models import Action, Post
from tracker import policy
from tracker.models import User


def _actions_naming(posts: list[Post]) -> dict[int, list[tuple[str, Action]]]:
    """{post id: [(as what, action)]}: the actions naming each of `posts`. One query for
    each of the actions' fields that name posts."""
    found: dict[int, list[tuple[str, Action]]] = {post.pk: [] for post in posts}
    for relation in post_rules.relations():
        if relation.model is not Action:
            continue
        name = relation.field.name
        rows = (
            Action.objects.filter(**{f"{name}__in": posts})
            .select_related("plan")
            .annotate(named=F(name))
            .order_by("plan__name", "sort_order", "ref")
        )
        for action in rows:
            found[action.named].append((str(relation.field.verbose_name), action))
    return found


def _holders():
    return Prefetch("holders", queryset=User.objects.order_by("first_name", "last_name"))


@policy.rule("manage")
@require_safe
def post_list(request):
    posts = list(Post.objects.prefetch_related(_holders()))
    tallies = post_rules.counts()
    columns = list(tallies)
    rows = [
        {"post": post, "counts": [tallies[relation].get(post.pk, 0) for relation in columns]}
        for post in posts
    ]
    vacant = [post for post in posts if not post.holders.all()]
    naming = _actions_naming(vacant)
    return render(
        request,
        "plans/posts/list.html",
        {
            "rows": sorted(rows, key=lambda row: bool(row["post"].holders.all())),
            "columns": [relation.label for relation in columns],
            "vacant": [(post, naming[post.pk]) for post in vacant],
            "duplicates": post_rules.near_duplicates(posts),
        },
    )


class HolderForm(forms.Form):
    """Add a holder (any active person not holding the post) or remove one."""

    add = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Add a holder",
        empty_label="Choose a person",
    )
    remove = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add"].queryset = User.objects.filter(is_active=True).exclude(posts=post)
        self.fields["remove"].queryset = post.holders.all()

    def clean(self):
        data = super().clean()
        if not data.get("add") and not data.get("remove"):
            self.add_error("add", "Choose the person to add")
        return data


@policy.rule("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request, pk):
    post = get_object_or_404(Post.objects.prefetch_related(_holders()), pk=pk)
    form = HolderForm(request.POST if request.method == "POST" else None, post=post)
    if request.method == "POST" and form.is_valid():
        if person := form.cleaned_data["add"]:
            post.holders.add(person)
            messages.success(request, f"{person} now holds the post {post}.")
        elif person := form.cleaned_data["remove"]:
            post.holders.remove(person)
            messages.success(request, f"{person} no longer holds the post {post}.")
        return redirect("posts:detail", pk=post.pk)
    tallies = post_rules.counts()
    duplicates = [
        group for group in post_rules.near_duplicates(Post.objects.all()) if post in group
    ]
    return render(
        request,
        "plans/posts/detail.html",
        {
            "post": post,
            "form": form,
            "counts": [
                (relation.label, tally.get(post.pk, 0)) for relation, tally in tallies.items()
            ],
            "actions": _actions_naming([post])[post.pk],
            "duplicates": [other for other in duplicates[0] if other != post] if duplicates else [],
        },
    )


@policy.rule("manage")
@require_http_methods(["GET", "HEAD", "POST"])
def post_merge(request, pk):
    """Merge a post and its near-duplicates into the one whose name the administrator keeps:
    choose it, see everything that moves, confirm."""
    post = get_object_or_404(Post, pk=pk)
    group = next((g for g in post_rules.near_duplicates(Post.objects.all()) if post in g), None)
    if group is None:
        raise Http404("This post has no near-duplicates.")
    choices = [(str(p.pk), p.name) for p in group]
    # The choice comes by GET (nothing changes until the confirmation's POST); "step" says
    # the form was sent, so sending it without a choice is an error, not the first view.
    data = request.POST if request.method == "POST" else request.GET
    data = data if "keep" in data or "step" in data else None
    form = forms.Form(data)
    form.fields["keep"] = forms.ChoiceField(
        label="Which name stays?",
        choices=choices,
        widget=forms.RadioSelect,
        help_text="Everything naming the other posts moves to the one you choose, and they "
        "are deleted.",
        error_messages={"required": "Choose the name that stays"},
    )
    if not (form.is_bound and form.is_valid()):
        return render(request, "plans/posts/merge.html", {"post": post, "form": form})
    keep = next(p for p in group if str(p.pk) == form.cleaned_data["keep"])
    others = [p for p in group if p != keep]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            with transaction.atomic():  # all the group, or none of it
                for other in others:
                    post_rules.merge(keep, other, by=request.user)
        except Post.DoesNotExist as gone:  # someone else merged them meanwhile
            messages.error(request, f"Nothing was merged: {gone}")
            return redirect("posts:index")
        names = ", ".join(f"“{other.name}”" for other in others)
        messages.success(request, f"Merged {names} into “{keep.name}”.")
        return redirect("posts:detail", pk=keep.pk)
    moves = [
        (other, [(relation.label, rows) for relation, rows in post_rules.moving(other) if rows])
        for other in others
    ]
    return render(
        request,
        "plans/posts/merge_confirm.html",
        {"post": post, "keep": keep, "moves": moves},
    )
