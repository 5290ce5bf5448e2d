"""The People pages' forms: the list's filters, adding one person, uploading a staff list and
choosing a leaver's successors."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat

from plans.models import Committee, Post
from tracker import roles
from tracker.models import User


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search by name or email",
        method="filter_words",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    role = django_filters.ChoiceFilter(
        label="Role",
        choices=[(name, name) for name in roles.ALL] + [("none", "No role")],
        method="filter_role",
        empty_label="Any role",
    )

    class Meta:
        model = User
        fields = []

    def filter_words(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(username__icontains=word)
            )
        return queryset

    def filter_role(self, queryset, name, value):
        if value == "none":
            return queryset.exclude(groups__name__in=roles.ALL)
        return queryset.filter(groups__name=value)


class PersonForm(forms.Form):
    """One new person. They choose their own password from the invitation."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address", help_text="They sign in with it.")
    role = forms.ChoiceField(choices=[(name, name) for name in roles.ALL], widget=forms.RadioSelect)
    posts = forms.ModelMultipleChoiceField(
        queryset=Post.objects.all(),
        required=False,
        label="Posts held",
        widget=forms.SelectMultiple(attrs={"class": "govuk-!-width-full", "size": 8}),
        help_text="The actions naming these posts become theirs. Hold Ctrl (or Cmd) to "
        "choose more than one.",
    )
    committees = forms.ModelMultipleChoiceField(
        queryset=Committee.objects.all(),
        required=False,
        help_text="Committees they sit on.",
        widget=forms.SelectMultiple(attrs={"class": "govuk-!-width-full"}),
    )
    invite = forms.BooleanField(required=False, initial=True, label="Email them an invitation now")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.annotate(address=Lower("email")).filter(address=email).first()
        if taken or User.objects.filter(username=email).exists():
            raise forms.ValidationError(f"{taken or email} already has the email {email}.")
        return email

    def save(self, by):
        data = self.cleaned_data
        person = User(
            username=data["email"],
            email=data["email"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
        )
        person.set_unusable_password()
        person._change_reason = f"Added as {data['role']}" + (
            ", holding " + ", ".join(str(p) for p in data["posts"]) if data["posts"] else ""
        )
        person._history_user = by
        person.save()
        person.groups.add(Group.objects.get_or_create(name=data["role"])[0])
        for post in data["posts"]:
            post.holders.add(person)
        for committee in data["committees"]:
            committee.members.add(person)
        return person


class UploadForm(forms.Form):
    staff_list = forms.FileField(
        label="Staff list",
        help_text="An .xlsx workbook or a .csv file with a heading row: name (or first name "
        "and last name), email, role, posts, committees. Nothing is imported until you have "
        "checked the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_staff_list(self):
        upload = self.cleaned_data["staff_list"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest that can be imported "
                f"is {filesizeformat(settings.IMPORT_MAX_BYTES)}."
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Choose a staff list saved as .xlsx or as a CSV file.")
        return upload


class SuccessorField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.email})" if obj.email else str(obj)


class HandOnForm(forms.Form):
    """Who takes each of a leaver's posts: one person for all, or one per post."""

    everyone = SuccessorField(
        queryset=User.objects.none(),
        required=False,
        label="Give every post to",
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
        empty_label="Choose per post below",
    )

    def __init__(self, *args, leaver, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaver = leaver
        people = User.objects.filter(is_active=True).exclude(pk=leaver.pk)
        self.fields["everyone"].queryset = people
        self.posts = list(leaver.posts.all())
        for post in self.posts:
            self.fields[f"post_{post.pk}"] = SuccessorField(
                queryset=people,
                required=False,
                label=str(post),
                empty_label="Choose someone",
                widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
            )

    def clean(self):
        data = super().clean()
        for post in self.posts:
            name = f"post_{post.pk}"
            if not (data.get("everyone") or data.get(name)) and name not in self.errors:
                self.add_error(name, f"Choose who takes on {post}, or one person for every post.")
        return data

    def successors(self):
        """{post: successor}, the choice per post winning over the one for all."""
        data = self.cleaned_data
        return {post: data.get(f"post_{post.pk}") or data["everyone"] for post in self.posts}
